export { default as runCommand } from './command.js';
export { type ExitRemap, exitCodeOf, parseRemap, remapExit } from './exit-code.js';
export { loadReaper, type Reaper, type ReaperStatus } from './native.js';
export { type ProcessEntry, parseStat, readProcessTable } from './proc.js';
export { Readiness, type ReadinessOptions } from './readiness.js';
export { FORWARDED_SIGNALS, type Kill, type SignalSource } from './signals.js';
export { type StartChild, startChild } from './spawn.js';
export { type SupervisorOptions, type SupervisorSystem, supervise } from './supervisor.js';
export { type AppScope, appProcesses, liveAppProcesses } from './tracker.js';
