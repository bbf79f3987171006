import type { FailureClass, LoadRequestRecord } from '../traffic/load-contract.js';

export interface Bucket {
  /** Start of the bucket, ms since the scenario started. */
  readonly at: number;
  ok: number;
  failed: Partial<Record<FailureClass, number>>;
}

/** Counts request outcomes per fixed-width time bucket, on the scenario's clock. */
export class Timeline {
  readonly widthMs: number;
  readonly #buckets = new Map<number, Bucket>();

  constructor(widthMs = 100) {
    this.widthMs = widthMs;
  }

  /** `offsetMs` is when the load run started on the scenario's clock. */
  add(record: LoadRequestRecord, offsetMs: number): void {
    const at = offsetMs + record.scheduledAt;
    const index = Math.floor(at / this.widthMs);
    let bucket = this.#buckets.get(index);
    if (!bucket) {
      bucket = { at: index * this.widthMs, ok: 0, failed: {} };
      this.#buckets.set(index, bucket);
    }
    if (record.outcome === 'ok') bucket.ok++;
    else bucket.failed[record.outcome] = (bucket.failed[record.outcome] ?? 0) + 1;
  }

  /** Every bucket from the first to the last, empty ones included, in order. */
  buckets(): Bucket[] {
    const indexes = [...this.#buckets.keys()];
    if (indexes.length === 0) return [];
    const first = Math.min(...indexes);
    const last = Math.max(...indexes);
    const out: Bucket[] = [];
    for (let i = first; i <= last; i++) {
      out.push(this.#buckets.get(i) ?? { at: i * this.widthMs, ok: 0, failed: {} });
    }
    return out;
  }
}

/** Re-buckets to a coarser width (e.g. 100 ms → 1 s for the terminal timeline). */
export function coarsen(buckets: readonly Bucket[], widthMs: number): Bucket[] {
  const out = new Map<number, Bucket>();
  for (const bucket of buckets) {
    const index = Math.floor(bucket.at / widthMs);
    let target = out.get(index);
    if (!target) {
      target = { at: index * widthMs, ok: 0, failed: {} };
      out.set(index, target);
    }
    target.ok += bucket.ok;
    for (const [cls, n] of Object.entries(bucket.failed) as [FailureClass, number][]) {
      target.failed[cls] = (target.failed[cls] ?? 0) + n;
    }
  }
  return [...out.values()].sort((a, b) => a.at - b.at);
}

export function failedCount(bucket: Bucket): number {
  return Object.values(bucket.failed).reduce((sum, n) => sum + (n ?? 0), 0);
}
