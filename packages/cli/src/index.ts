export type { CommandContext, CommandSpec, OptionSpec, OptionSpecs } from './args/spec.js';
export { type ErrorCode, LameduckError } from './core/errors.js';
export {
  FAILURE_CLASSES,
  type FailureClass,
  LoadError,
  type LoadOptions,
  type LoadResult,
  type RequestRecord,
  runLoad,
  type TimelineSecond,
} from './load/index.js';
export { main, version } from './main.js';
