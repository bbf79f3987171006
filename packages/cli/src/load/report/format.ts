import { FAILURE_CLASSES, type FailureClass } from '../result.js';
import type { CommandOutcome } from './json.js';

/** `5.0 s`, `12 s`, `250 ms`: a run's or a command's length. */
export function formatSpan(ms: number): string {
  return ms >= 1000 ? formatMs(ms) : `${Math.round(ms)} ms`;
}

/** `1.23 ms`, `12 ms`, `1.4 s`; `–` when there is no value. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '–';
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** The classes that occurred, in the stable order of `FAILURE_CLASSES`. */
export function classesIn(failures: Partial<Record<FailureClass, number>>): FailureClass[] {
  return FAILURE_CLASSES.filter((c) => (failures[c] ?? 0) > 0);
}

/** `refused 12, http-503 3` in the stable class order; empty when nothing failed. */
export function formatFailures(failures: Partial<Record<FailureClass, number>>): string {
  return classesIn(failures)
    .map((c) => `${c} ${failures[c]}`)
    .join(', ');
}

/** Sum of a failure-count record. */
export function countFailures(failures: Partial<Record<FailureClass, number>>): number {
  let total = 0;
  for (const n of Object.values(failures)) total += n ?? 0;
  return total;
}

/** `command "kubectl rollout …" exited with code 3`: how the command after `--` ended. */
export function describeCommandOutcome(outcome: CommandOutcome): string {
  const name = outcome.argv.join(' ');
  if (outcome.error !== null) return `command "${name}" could not start: ${outcome.error}`;
  if (outcome.timedOut) {
    return `command "${name}" timed out: still running when --duration ended, stopped by ${outcome.signal ?? 'SIGTERM'} after ${formatMs(outcome.durationMs)}`;
  }
  if (outcome.signal !== null) return `command "${name}" was killed by ${outcome.signal}`;
  return `command "${name}" exited with code ${outcome.exitCode}`;
}
