/**
 * The connection pool's size. Given (`--connections n`) it is fixed. Left to `auto` in the open
 * model, it follows what the schedule needs: rate × observed service time (Little's law), doubled for
 * bursts, never below `AUTO_MIN` nor above `AUTO_MAX`. Connections still open only on demand.
 */
export const AUTO_MIN = 64;
export const AUTO_MAX = 1024;
/** Weight of the newest observation in the moving average of service times. */
const SMOOTHING = 0.05;

export interface PoolSize {
  /** How many connections may be open now. */
  limit(): number;
  /** A request took `serviceMs` from its start to its outcome, at the rate then in force. */
  observe(serviceMs: number, rate: number): void;
  /** Null when fixed; else the largest limit the run reached. */
  readonly autoPeak: number | null;
}

export function fixedPoolSize(n: number): PoolSize {
  return { limit: () => n, observe: () => {}, autoPeak: null };
}

export function autoPoolSize(): PoolSize {
  let average: number | undefined;
  let current = AUTO_MIN;
  let peak = AUTO_MIN;
  return {
    limit: () => current,
    observe(serviceMs, rate) {
      average = average === undefined ? serviceMs : average + SMOOTHING * (serviceMs - average);
      // the pool must hold rate × service time requests at once; it never shrinks within a run, so
      // that connections opened in a burst are not left unused and reopened
      const needed = Math.ceil((2 * rate * average) / 1000) + 1;
      current = Math.min(AUTO_MAX, Math.max(current, needed));
      peak = Math.max(peak, current);
    },
    get autoPeak() {
      return peak;
    },
  };
}
