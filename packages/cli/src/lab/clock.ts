import { setTimeout as delay } from 'node:timers/promises';

/** Milliseconds since the lab started; injected so tests and reports share one time base. */
export interface Clock {
  now(): number;
}

export function monotonicClock(origin = performance.now()): Clock {
  return { now: () => performance.now() - origin };
}

/** A cancellable sleep that resolves (never rejects) when the signal aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return;
  try {
    await delay(Math.max(0, ms), undefined, signal ? { signal } : undefined);
  } catch (error) {
    if (!signal?.aborted) throw error;
  }
}
