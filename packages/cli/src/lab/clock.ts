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

/**
 * A signal that aborts when `parent` does or after `ms`. A plain timer rather than
 * `AbortSignal.any([parent, AbortSignal.timeout(ms)])`, whose timeout signal Node 20 may collect
 * before it fires. Call `clear()` when done.
 */
export function deadline(parent: AbortSignal, ms: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new Error(`deadline of ${ms} ms passed`)), ms);
  return {
    signal: controller.signal,
    clear() {
      clearTimeout(timer);
      parent.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * A signal that aborts when any of the given signals does. Like `AbortSignal.any`, but the result is
 * held by plain listeners, so it can never be collected (and silently stop aborting) while in use.
 */
export function anySignal(...signals: AbortSignal[]): AbortSignal {
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}
