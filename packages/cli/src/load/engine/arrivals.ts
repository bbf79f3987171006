/**
 * When each request is due (open model): at a constant rate, request k is due at k/rate seconds; on a
 * ramp, the rate moves linearly from `from` to `to` over `rampMs` and then stays at `to`, and request
 * k is due when the integral of the rate reaches k.
 */
export interface Arrivals {
  /** When request `k` (0, 1, …) is due, ms since the start; Infinity when it never is. */
  due(k: number): number;
  /** How many requests are due before `durationMs`. */
  countBefore(durationMs: number): number;
  /** The rate at `ms` (requests per second). */
  rateAt(ms: number): number;
}

export interface Ramp {
  readonly from: number;
  readonly to: number;
  readonly durationMs: number;
}

export function constantArrivals(rate: number): Arrivals {
  const interval = 1000 / rate;
  return {
    due: (k) => k * interval,
    countBefore: (durationMs) => Math.ceil((durationMs * rate) / 1000 - 1e-9),
    rateAt: () => rate,
  };
}

export function rampArrivals({ from, to, durationMs }: Ramp): Arrivals {
  const T = durationMs / 1000;
  const slope = (to - from) / T; // requests per second per second
  /** Requests due in [0, t) seconds. */
  const integral = (t: number) =>
    t <= T ? from * t + (slope * t * t) / 2 : from * T + (slope * T * T) / 2 + to * (t - T);
  const atRampEnd = integral(T);
  const due = (k: number): number => {
    if (k < atRampEnd) {
      // from·t + slope·t²/2 = k
      const t =
        Math.abs(slope) < 1e-12
          ? k / from
          : (-from + Math.sqrt(Math.max(0, from * from + 2 * slope * k))) / slope;
      return t * 1000;
    }
    return to > 0 ? (T + (k - atRampEnd) / to) * 1000 : Number.POSITIVE_INFINITY;
  };
  return {
    due,
    countBefore: (durationMs) => Math.ceil(integral(durationMs / 1000) - 1e-9),
    rateAt: (ms) => (ms >= durationMs ? to : from + (slope * ms) / 1000),
  };
}
