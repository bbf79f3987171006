import { type Clock, sleep } from './clock.js';
import { describe } from './describe.js';
import { parseDuration } from './duration.js';
import { InvalidOptionError, LameduckError } from './errors.js';
import type { HookRecord } from './metrics.js';

/** A cleanup step run after the servers drained. It gets a signal that aborts at its timeout. */
export type HookFunction = (signal: AbortSignal) => unknown;

export interface Hook {
  readonly name: string;
  readonly fn: HookFunction;
  readonly timeout: number;
}

/**
 * Runs hooks one after another in reverse registration order (the last resource opened is closed
 * first), each bounded by its own timeout and by the deadline. A failing or hanging hook is recorded
 * with its name and the rest still run. When `deadline` aborts, the running hook and every hook not
 * started yet are recorded as cut.
 */
export async function runHooks(
  hooks: readonly Hook[],
  clock: Clock,
  deadline: AbortSignal,
  onRecord: (record: HookRecord) => void,
): Promise<HookRecord[]> {
  const records: HookRecord[] = [];
  const record = (r: HookRecord) => {
    records.push(r);
    onRecord(r);
  };
  for (const hook of [...hooks].reverse()) {
    if (deadline.aborted) {
      record({ name: hook.name, outcome: 'cut', durationMs: 0 });
      continue;
    }
    record(await runOne(hook, clock, deadline));
  }
  return records;
}

async function runOne(hook: Hook, clock: Clock, deadline: AbortSignal): Promise<HookRecord> {
  const started = clock.now();
  const controller = new AbortController();
  const elapsed = () => Math.round(clock.now() - started);
  type Outcome =
    | { kind: 'ok' }
    | { kind: 'failed'; error: unknown }
    | { kind: 'timeout' }
    | { kind: 'cut' };
  const work: Promise<Outcome> = (async () => hook.fn(controller.signal))().then(
    () => ({ kind: 'ok' }),
    (error: unknown) => ({ kind: 'failed', error }),
  );
  const timeout = sleep(clock, hook.timeout, controller.signal).then(
    (): Outcome => ({ kind: 'timeout' }),
  );
  const cut = new Promise<Outcome>((resolve) => {
    const onAbort = () => resolve({ kind: 'cut' });
    if (deadline.aborted) onAbort();
    else deadline.addEventListener('abort', onAbort, { once: true });
    void work.finally(() => deadline.removeEventListener('abort', onAbort));
  });
  const outcome = await Promise.race([work, timeout, cut]);
  if (outcome.kind !== 'ok' && outcome.kind !== 'failed') {
    controller.abort(
      new Error(`hook "${hook.name}" ${outcome.kind === 'timeout' ? 'timed out' : 'was cut'}`),
    );
  } else {
    controller.abort();
  }
  if (outcome.kind === 'failed') {
    return {
      name: hook.name,
      outcome: 'failed',
      durationMs: elapsed(),
      error: describeError(outcome.error),
    };
  }
  return { name: hook.name, outcome: outcome.kind, durationMs: elapsed() };
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : `thrown ${describe(error)}`;
}

/** Parses a hook's own timeout, naming the hook when it is invalid. */
export function parseHookTimeout(name: string, value: number | string, what = 'hook'): number {
  try {
    const ms = parseDuration(value, `${what} "${name}": timeout`);
    if (ms === 0) {
      throw new InvalidOptionError(
        `${what} "${name}": timeout`,
        'a duration greater than 0',
        value,
      );
    }
    return ms;
  } catch (error) {
    if (error instanceof InvalidOptionError) throw error;
    if (error instanceof LameduckError) {
      throw new InvalidOptionError(
        `${what} "${name}": timeout`,
        'a duration in ms or a string such as "5s"',
        value,
      );
    }
    throw error;
  }
}
