/** Time as lameduck sees it; tests inject their own. */
export interface Clock {
  /** Milliseconds, monotonic enough for measuring phases (performance.timeOrigin + performance.now()). */
  now(): number;
  /**
   * Runs `fn` after `ms`; the returned function cancels it. A timer does not keep the process alive
   * unless `keepAlive` is true (the shutdown deadline is: the shutdown must always end).
   */
  setTimer(fn: () => void, ms: number, keepAlive?: boolean): () => void;
}

/** Read once: `performance.timeOrigin` is a getter, and `now()` sits on hot paths. */
const ORIGIN = performance.timeOrigin;

export const systemClock: Clock = {
  now: () => ORIGIN + performance.now(),
  setTimer(fn, ms, keepAlive = false) {
    const timer = setTimeout(fn, ms);
    if (!keepAlive) timer.unref();
    return () => clearTimeout(timer);
  },
};

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const cancel = clock.setTimer(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
