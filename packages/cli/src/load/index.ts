export { LoadError, type LoadErrorCode } from './errors.js';
export { LOAD_DEFAULTS, type LoadOptions } from './options.js';
export type { CommandOutcome, LoadReport } from './report/json.js';
export {
  type ClientHealth,
  FAILURE_CLASSES,
  type FailureClass,
  type FailureSample,
  type LatencySummary,
  type LoadResult,
  type Outcome,
  type RequestRecord,
  type ResolvedOptionsRecord,
  type TimelineSecond,
  type Totals,
} from './result.js';
export { type LoadDependencies, runLoad } from './run-load.js';
