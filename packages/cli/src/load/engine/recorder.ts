import {
  FAILURE_CLASSES,
  type FailureClass,
  type FailureSample,
  type LatencyHistograms,
  type LatencySummary,
  type Outcome,
  type RequestRecord,
  type SparseHistogram,
  type TargetSummary,
  type TimelineSecond,
  type Totals,
} from '../result.js';
import { Histogram, latencySummary, percentileMs } from './histogram.js';

/** Distinct raw messages kept per failure class. */
const SAMPLES_PER_CLASS = 5;
/** Per-second histograms are coarser (0.8%) than the overall one (0.1%): many are alive at once. */
export const SECOND_PRECISION_BITS = 7;

interface Bucket {
  second: number;
  pending: number;
  closed: boolean;
  ok: number;
  late: number;
  retried: number;
  cancelled: number;
  failures: Partial<Record<FailureClass, number>>;
  histogram: Histogram;
}

export interface RecorderHooks {
  onRequest?: ((record: RequestRecord) => void) | undefined;
  onSecond?: ((second: TimelineSecond) => void) | undefined;
}

/** A target as the recorder names it in the result. */
export interface TargetLabel {
  readonly url: string;
  readonly method: string;
  readonly weight: number;
}

const sparse = (h: Histogram): SparseHistogram => ({
  precisionBits: h.precisionBits,
  max: h.max,
  buckets: h.toSparse(),
});

/** A second's histogram as kept until the end: its buckets in a typed array (4 bytes a number). */
interface KeptSecond {
  readonly max: number;
  readonly buckets: Uint32Array;
}

/**
 * Counts outcomes: totals, failure classes, latency histograms overall and per second (by scheduled
 * second), per target, and a few raw messages per class. Memory stays flat but for the per-second
 * buckets kept for merging (a few hundred numbers a second): a second's live histogram is recycled
 * as soon as every request scheduled in it has an outcome.
 */
export class Recorder {
  readonly totals: Totals = {
    scheduled: 0,
    sent: 0,
    ok: 0,
    failed: 0,
    late: 0,
    retried: 0,
    cancelled: 0,
  };
  readonly failures = Object.fromEntries(FAILURE_CLASSES.map((c) => [c, 0])) as Record<
    FailureClass,
    number
  >;
  readonly timeline: TimelineSecond[] = [];
  readonly #targets: TargetSummary[];
  readonly #overall = new Histogram();
  readonly #secondHistograms: KeptSecond[] = [];
  readonly #buckets = new Map<number, Bucket>();
  readonly #spare: Histogram[] = [];
  readonly #samples = new Map<string, FailureSample>();
  readonly #sampleCounts = new Map<FailureClass, number>();
  readonly #hooks: RecorderHooks;
  #nextSecond = 0;
  #last: Bucket | undefined;
  #closedBefore = 0;

  constructor(hooks: RecorderHooks = {}, targets: readonly TargetLabel[] = []) {
    this.#hooks = hooks;
    this.#targets = targets.map((t) => ({
      url: t.url,
      method: t.method,
      weight: t.weight,
      scheduled: 0,
      ok: 0,
      failed: 0,
      cancelled: 0,
      failures: {},
    }));
  }

  /** Per target, in the order given to the constructor. */
  get targets(): TargetSummary[] {
    return this.#targets;
  }

  /** A request for target `target` became due at `scheduledAt` ms. */
  scheduled(scheduledAt: number, target = 0): void {
    this.totals.scheduled++;
    const summary = this.#targets[target];
    if (summary) summary.scheduled++;
    this.#bucket(Math.floor(scheduledAt / 1000)).pending++;
  }

  /** A request was started (`late` when it started too long after it was due). */
  sent(scheduledAt: number, late: boolean): void {
    this.totals.sent++;
    if (late) {
      this.totals.late++;
      this.#bucket(Math.floor(scheduledAt / 1000)).late++;
    }
  }

  /** A request is being sent again (its first stream was refused unprocessed). */
  retried(scheduledAt: number): void {
    this.totals.retried++;
    this.#bucket(Math.floor(scheduledAt / 1000)).retried++;
  }

  /** A scheduled request will never get an outcome (the run was aborted): counted as cancelled. */
  cancelled(scheduledAt: number, target = 0): void {
    this.totals.cancelled++;
    const summary = this.#targets[target];
    if (summary) summary.cancelled++;
    const bucket = this.#bucket(Math.floor(scheduledAt / 1000));
    bucket.pending--;
    bucket.cancelled++;
    this.#flush();
  }

  /** The outcome of a scheduled request; `latencyMs` from its scheduled send time. */
  resolved(
    scheduledAt: number,
    latencyMs: number,
    outcome: Outcome,
    message?: string,
    target = 0,
  ): void {
    const bucket = this.#bucket(Math.floor(scheduledAt / 1000));
    const summary = this.#targets[target];
    bucket.pending--;
    if (outcome === 'ok') {
      this.totals.ok++;
      if (summary) summary.ok++;
      bucket.ok++;
      const us = latencyMs * 1000;
      this.#overall.record(us);
      bucket.histogram.record(us);
    } else {
      this.totals.failed++;
      this.failures[outcome] = (this.failures[outcome] ?? 0) + 1;
      bucket.failures[outcome] = (bucket.failures[outcome] ?? 0) + 1;
      if (summary) {
        summary.failed++;
        summary.failures[outcome] = (summary.failures[outcome] ?? 0) + 1;
      }
      if (message !== undefined) this.#sample(outcome, message);
    }
    this.#hooks.onRequest?.({ scheduledAt, latencyMs, outcome });
    this.#flush();
  }

  /** No more requests will be scheduled before `second`: seconds before it can be finished. */
  closeBefore(second: number): void {
    for (let s = this.#closedBefore; s < second; s++) this.#bucket(s).closed = true;
    this.#closedBefore = Math.max(this.#closedBefore, second);
    this.#flush();
  }

  /** Scheduling is over: every second can be finished once its requests have outcomes. */
  closeAll(): void {
    let last = this.#closedBefore - 1;
    for (const second of this.#buckets.keys()) last = Math.max(last, second);
    this.closeBefore(last + 1);
  }

  latency(): LatencySummary {
    return latencySummary(this.#overall);
  }

  /** The histograms behind the latency figures, for merging runs. */
  histograms(): LatencyHistograms {
    return {
      version: 1,
      overall: sparse(this.#overall),
      seconds: this.#secondHistograms.map((kept) => ({
        precisionBits: SECOND_PRECISION_BITS,
        max: kept.max,
        buckets: Array.from(kept.buckets),
      })),
    };
  }

  samples(): FailureSample[] {
    return [...this.#samples.values()];
  }

  #sample(failure: FailureClass, message: string): void {
    const key = `${failure}\u0000${message}`;
    const known = this.#samples.get(key);
    if (known) {
      known.count++;
      return;
    }
    const kept = this.#sampleCounts.get(failure) ?? 0;
    if (kept >= SAMPLES_PER_CLASS) return;
    this.#sampleCounts.set(failure, kept + 1);
    this.#samples.set(key, { class: failure, message, count: 1 });
  }

  #bucket(second: number): Bucket {
    const last = this.#last;
    if (last?.second === second) return last;
    let bucket = this.#buckets.get(second);
    if (!bucket) {
      bucket = {
        second,
        pending: 0,
        closed: second < this.#closedBefore,
        ok: 0,
        late: 0,
        retried: 0,
        cancelled: 0,
        failures: {},
        histogram: this.#spare.pop() ?? new Histogram(SECOND_PRECISION_BITS),
      };
      this.#buckets.set(second, bucket);
    }
    this.#last = bucket;
    return bucket;
  }

  /** Emits finished seconds in order. */
  #flush(): void {
    for (;;) {
      const bucket = this.#buckets.get(this.#nextSecond);
      if (!bucket?.closed || bucket.pending > 0) return;
      const h = bucket.histogram;
      const entry: TimelineSecond = {
        second: bucket.second,
        ok: bucket.ok,
        failures: bucket.failures,
        late: bucket.late,
        retried: bucket.retried,
        cancelled: bucket.cancelled,
        p50: percentileMs(h, 50),
        p99: percentileMs(h, 99),
      };
      this.timeline.push(entry);
      this.#secondHistograms.push({ max: h.max, buckets: Uint32Array.from(h.toSparse()) });
      this.#buckets.delete(bucket.second);
      if (this.#last === bucket) this.#last = undefined;
      h.reset();
      this.#spare.push(h);
      this.#nextSecond++;
      this.#hooks.onSecond?.(entry);
    }
  }
}
