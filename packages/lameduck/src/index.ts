export { type Clock, systemClock } from './clock.js';
export { formatDuration, parseDuration } from './duration.js';
export { ENVIRONMENT_VARIABLES, optionsFromEnv } from './env.js';
export {
  type ErrorCode,
  EXIT_CONFIG,
  InvalidOptionError,
  LameduckError,
  type LameduckErrorCode,
  type LameduckErrorOptions,
} from './errors.js';
export type { CheckResult, HealthCheckFunction } from './health.js';
export type { HookFunction } from './hooks.js';
export {
  createLameduck,
  type HealthCheckOptions,
  type HookOptions,
  Lameduck,
  type LameduckEvents,
  type PhaseEvent,
  type RegisterOptions,
} from './lameduck.js';
export { jsonLogger, type Logger, silentLogger } from './logger.js';
export type { HookRecord } from './metrics.js';
export type {
  AdminOptions,
  CloseUpgraded,
  ExitCodes,
  LameduckOptions,
  ProbePaths,
  Readiness,
  ResolvedOptions,
} from './options.js';
export { DEFAULT_PROBE_PATHS, inKubernetes } from './options.js';
export { PHASES, type Phase } from './phase.js';
export type { ProcessLike } from './process.js';
export type { ShutdownOutcome, ShutdownReport } from './report.js';
export { goingAwayFrame } from './upgrade.js';
