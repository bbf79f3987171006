import { type Clock, systemClock } from './clock.js';

/**
 * A signal that aborts when `parent` does or `ms` after the call, on `clock`. A plain timer rather
 * than `AbortSignal.any([parent, AbortSignal.timeout(ms)])`, whose timeout signal Node 20 may collect
 * before it fires. The timer keeps the process alive until it fires or `clear()` is called: call
 * `clear()` when done.
 */
export function deadline(
  parent: AbortSignal,
  ms: number,
  clock: Clock = systemClock,
): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  const cancel = clock.setTimer(
    () => controller.abort(new Error(`deadline of ${ms} ms passed`)),
    ms,
    true,
  );
  return {
    signal: controller.signal,
    clear() {
      cancel();
      parent.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * A signal that aborts when any of the given signals does. Like `AbortSignal.any`, but the result is
 * held by plain listeners, so it can never be collected (and silently stop aborting) while in use.
 * `dispose()` detaches it from every source: call it when the signal is no longer needed and a
 * source lives longer (a listener left on a run-long signal per rollout or per pod is a leak). It
 * detaches itself once any source aborts.
 */
export function linkedSignal(...signals: AbortSignal[]): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const detach: (() => void)[] = [];
  const dispose = () => {
    for (const remove of detach.splice(0)) remove();
  };
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    const onAbort = () => {
      dispose();
      controller.abort(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    detach.push(() => signal.removeEventListener('abort', onAbort));
  }
  if (controller.signal.aborted) dispose();
  return { signal: controller.signal, dispose };
}

/** `linkedSignal` for a result that lives until one of its sources aborts. */
export function anySignal(...signals: AbortSignal[]): AbortSignal {
  return linkedSignal(...signals).signal;
}

/** Resolves (with undefined) when the signal aborts; at once if it already has. */
export function aborted(signal: AbortSignal): Promise<undefined> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(undefined);
    else signal.addEventListener('abort', () => resolve(undefined), { once: true });
  });
}
