import { type Clock, sleep } from './clock.js';
import { describe } from './describe.js';

/** A health check: resolves (or returns) when healthy, throws or rejects when not. */
export type HealthCheckFunction = (signal: AbortSignal) => unknown;

export type CheckedProbe = 'readiness' | 'liveness';

/** Defaults of `healthCheck()`'s options (documented in docs/runtime.md, checked by a test). */
export const HEALTH_CHECK_DEFAULTS = { timeout: 1000, probe: 'readiness' } as const;

export interface HealthCheck {
  readonly name: string;
  readonly fn: HealthCheckFunction;
  readonly timeout: number;
  readonly probe: CheckedProbe;
}

export interface CheckResult {
  readonly ok: boolean;
  readonly durationMs: number;
  /** Why it failed: the error's message, or "timed out after …". */
  readonly error?: string;
}

/**
 * Runs the checks of one probe at once, each bounded by its timeout (its signal aborts then).
 * Resolves with every result by name; never rejects.
 */
export async function runChecks(
  checks: readonly HealthCheck[],
  probe: CheckedProbe,
  clock: Clock,
): Promise<Record<string, CheckResult>> {
  const mine = checks.filter((c) => c.probe === probe);
  const results = await Promise.all(mine.map((check) => runOne(check, clock)));
  return Object.fromEntries(mine.map((check, i) => [check.name, results[i] as CheckResult]));
}

async function runOne(check: HealthCheck, clock: Clock): Promise<CheckResult> {
  const started = clock.now();
  const controller = new AbortController();
  const elapsed = () => Math.round(clock.now() - started);
  const work = (async () => check.fn(controller.signal))().then(
    (): CheckResult => ({ ok: true, durationMs: elapsed() }),
    (error: unknown): CheckResult => ({
      ok: false,
      durationMs: elapsed(),
      error: error instanceof Error ? error.message : `thrown ${describe(error)}`,
    }),
  );
  const timeout = sleep(clock, check.timeout, controller.signal).then(
    (): CheckResult => ({
      ok: false,
      durationMs: elapsed(),
      error: `timed out after ${check.timeout} ms`,
    }),
  );
  const result = await Promise.race([work, timeout]);
  controller.abort();
  return result;
}
