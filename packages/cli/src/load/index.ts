export { LoadError, type LoadErrorCode } from './errors.js';
export { LOAD_DEFAULTS } from './options.js';
export { type LoadDependencies, runLoad } from './run.js';
export type { LoadReport } from './run-command.js';
export {
  FAILURE_CLASSES,
  type FailureClass,
  type FailureSample,
  type LatencySummary,
  type LoadOptions,
  type LoadResult,
  type Outcome,
  type RequestRecord,
  type TimelineSecond,
  type Totals,
} from './types.js';
