/**
 * The one clock of the CLI and the library: `now()` in milliseconds (monotonic) and timers, injected
 * wherever time is read so tests can drive it. Durations are measured as differences of `now()`.
 */
export { type Clock, sleep, systemClock } from 'lameduck/clock';
