import type { LatencySummary } from '../result.js';

/**
 * A log-linear histogram in the style of HdrHistogram: values (microseconds) are recorded into
 * buckets whose width grows with the value, so memory is fixed whatever the run length and every
 * percentile is exact to within the relative precision (2^-precisionBits; 0.1% at the default 10).
 */
export class Histogram {
  readonly #linear: number;
  readonly #half: number;
  readonly #bits: number;
  readonly #counts: Float64Array;
  #total = 0;
  #max = 0;

  /** @param precisionBits relative precision 2^-bits: 10 → 0.1%, 7 → 0.8%. */
  constructor(precisionBits = 10) {
    this.#bits = precisionBits;
    this.#linear = 2 ** (precisionBits + 1);
    this.#half = 2 ** precisionBits;
    // values up to 2^32 µs (71 minutes): the linear range plus one half-range per power of two
    this.#counts = new Float64Array(this.#linear + (32 - precisionBits) * this.#half);
  }

  get count(): number {
    return this.#total;
  }

  /** The largest value recorded, exactly. */
  get max(): number {
    return this.#max;
  }

  record(value: number, count = 1): void {
    const v = Math.min(Math.max(0, Math.round(value)), 0xffff_ffff);
    const i = this.#index(v);
    this.#counts[i] = (this.#counts[i] as number) + count;
    this.#total += count;
    if (v > this.#max) this.#max = v;
  }

  /** The value below or at which `percent` of the recorded values lie; 0 when empty. */
  percentile(percent: number): number {
    if (this.#total === 0) return 0;
    const rank = Math.max(1, Math.ceil((percent / 100) * this.#total));
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      seen += this.#counts[i] as number;
      if (seen >= rank) return Math.min(this.#highest(i), this.#max);
    }
    return this.#max;
  }

  /** Adds every value of another histogram of the same precision. */
  add(other: Histogram): void {
    if (other.#bits !== this.#bits) throw new RangeError('histograms differ in precision');
    for (let i = 0; i < other.#counts.length; i++) {
      const c = other.#counts[i] as number;
      if (c !== 0) this.#counts[i] = (this.#counts[i] as number) + c;
    }
    this.#total += other.#total;
    if (other.#max > this.#max) this.#max = other.#max;
  }

  /** The relative precision this histogram was made with (2^-bits). */
  get precisionBits(): number {
    return this.#bits;
  }

  /**
   * The non-empty buckets as a flat list `[index, count, index, count, …]`, indexes ascending: what
   * the JSON report carries so that runs on several machines can be merged exactly.
   */
  toSparse(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.#counts.length; i++) {
      const c = this.#counts[i] as number;
      if (c !== 0) out.push(i, c);
    }
    return out;
  }

  /**
   * Adds the buckets of `toSparse()` output of a histogram with the same precision. `max` is that
   * histogram's exact maximum (the buckets alone only bound it).
   * @throws {RangeError} when an index or count is not a whole number in range
   */
  addSparse(sparse: readonly number[], max: number): void {
    if (sparse.length % 2 !== 0) throw new RangeError('sparse histogram: odd length');
    for (let k = 0; k < sparse.length; k += 2) {
      const i = sparse[k] as number;
      const c = sparse[k + 1] as number;
      if (!Number.isInteger(i) || i < 0 || i >= this.#counts.length) {
        throw new RangeError(`sparse histogram: bucket index ${i} out of range`);
      }
      if (!Number.isInteger(c) || c < 0) throw new RangeError(`sparse histogram: count ${c}`);
      this.#counts[i] = (this.#counts[i] as number) + c;
      this.#total += c;
    }
    if (max > this.#max) this.#max = max;
  }

  reset(): void {
    this.#counts.fill(0);
    this.#total = 0;
    this.#max = 0;
  }

  #index(v: number): number {
    if (v < this.#linear) return v;
    const shift = 31 - Math.clz32(v) - this.#bits;
    return this.#linear + (shift - 1) * this.#half + ((v >>> shift) - this.#half);
  }

  /** The highest value that falls into bucket `i`. */
  #highest(i: number): number {
    if (i < this.#linear) return i;
    const offset = i - this.#linear;
    const shift = Math.floor(offset / this.#half) + 1;
    const sub = (offset % this.#half) + this.#half;
    return (sub + 1) * 2 ** shift - 1;
  }
}

/** A percentile in milliseconds (to the microsecond), or null when nothing was recorded. */
export function percentileMs(h: Histogram, percent: number): number | null {
  return h.count === 0 ? null : Math.round(h.percentile(percent)) / 1000;
}

/** The latency summary of a histogram, in milliseconds; every field null when it is empty. */
export function latencySummary(h: Histogram): LatencySummary {
  return {
    p50: percentileMs(h, 50),
    p90: percentileMs(h, 90),
    p99: percentileMs(h, 99),
    p999: percentileMs(h, 99.9),
    max: h.count === 0 ? null : Math.round(h.max) / 1000,
  };
}
