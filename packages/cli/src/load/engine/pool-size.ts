import { Histogram } from './histogram.js';

/**
 * The connection pool's size. Given (`--connections n`) it is fixed. Left to `auto` in the open
 * model, it follows what the schedule needs: rate × the typical time a request holds a connection
 * (Little's law), doubled for bursts, never below `AUTO_MIN` nor above `AUTO_MAX`. The typical time
 * is the median of each window of observations (a second, at least `WINDOW_MIN` of them), so that a
 * stall of the client itself (its event loop blocked for half a second: every request of that
 * moment looks slow) does not open hundreds of connections. The size never shrinks within a run;
 * connections still open only on demand.
 */
export const AUTO_MIN = 64;
export const AUTO_MAX = 1024;
const WINDOW_MS = 1000;
const WINDOW_MIN = 10;

export interface PoolSize {
  /** How many connections may be open now. */
  limit(): number;
  /**
   * A request held a connection `serviceMs` (from its start to its outcome), ending at `now` (ms
   * since the run started), at the rate then in force.
   */
  observe(serviceMs: number, rate: number, now: number): void;
  /** Null when fixed; else the largest limit the run reached. */
  readonly autoPeak: number | null;
}

export function fixedPoolSize(n: number): PoolSize {
  return { limit: () => n, observe: () => {}, autoPeak: null };
}

export function autoPoolSize(): PoolSize {
  const window = new Histogram(7);
  let windowStart = 0;
  let rateSeen = 0;
  let current = AUTO_MIN;
  return {
    limit: () => current,
    observe(serviceMs, rate, now) {
      window.record(serviceMs * 1000);
      rateSeen = Math.max(rateSeen, rate);
      if (now - windowStart < WINDOW_MS || window.count < WINDOW_MIN) return;
      const typicalMs = window.percentile(50) / 1000;
      const needed = Math.ceil((2 * rateSeen * typicalMs) / 1000) + 1;
      current = Math.min(AUTO_MAX, Math.max(current, needed));
      window.reset();
      windowStart = now;
      rateSeen = 0;
    },
    get autoPeak() {
      return current;
    },
  };
}
