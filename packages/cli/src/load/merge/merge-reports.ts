import { Histogram, latencySummary, percentileMs } from '../engine/histogram.js';
import { SECOND_PRECISION_BITS } from '../engine/recorder.js';
import type { CommandOutcome, LoadReport } from '../report/json.js';
import {
  FAILURE_CLASSES,
  type FailureClass,
  type FailureSample,
  type LoadResult,
  type SparseHistogram,
  type TargetSummary,
  type TimelineSecond,
} from '../result.js';

/** Distinct raw messages kept per failure class in a merged report (as in one run). */
const SAMPLES_PER_CLASS = 5;

function add(
  into: Partial<Record<FailureClass, number>>,
  from: Partial<Record<FailureClass, number>>,
) {
  for (const [name, n] of Object.entries(from) as [FailureClass, number][]) {
    if (n) into[name] = (into[name] ?? 0) + n;
  }
}

function histogramOf(bits: number, parts: readonly SparseHistogram[]): Histogram {
  const h = new Histogram(bits);
  for (const part of parts) h.addSparse(part.buckets, part.max);
  return h;
}

export interface MergedResult {
  readonly result: LoadResult;
  /** Each run's command, in the order of the reports (null for a run without one). */
  readonly commands: (CommandOutcome | null)[];
}

/**
 * Combines the reports of runs made at the same time (N load pods, say): counts and classes are
 * summed; the timelines are aligned on the wall clock (each run's seconds shifted by its start,
 * rounded to the second); latencies come from the merged histograms, so the percentiles are those of
 * all requests together, not an average of percentiles.
 */
export function mergeReports(reports: readonly LoadReport[]): MergedResult {
  const first = reports[0] as LoadReport;
  const startedAt = Math.min(...reports.map((r) => r.startedAt));
  const offsets = reports.map((r) => Math.round((r.startedAt - startedAt) / 1000));
  const length = Math.max(...reports.map((r, i) => (offsets[i] as number) + r.timeline.length));
  const rows: { row: TimelineSecond; parts: SparseHistogram[] }[] = Array.from(
    { length },
    (_, second) => ({
      row: { second, ok: 0, failures: {}, late: 0, retried: 0, cancelled: 0, p50: null, p99: null },
      parts: [],
    }),
  );
  const totals = { scheduled: 0, sent: 0, ok: 0, failed: 0, late: 0, retried: 0, cancelled: 0 };
  const failures = Object.fromEntries(FAILURE_CLASSES.map((c) => [c, 0])) as Record<
    FailureClass,
    number
  >;
  const samples = new Map<string, FailureSample>();
  const targets = new Map<string, TargetSummary>();
  const warnings: string[] = [];
  reports.forEach((report, i) => {
    const offset = offsets[i] as number;
    for (const key of Object.keys(totals) as (keyof typeof totals)[])
      totals[key] += report.totals[key];
    add(failures, report.failures);
    report.timeline.forEach((row, s) => {
      const into = rows[offset + s] as (typeof rows)[number];
      into.row.ok += row.ok;
      into.row.late += row.late;
      into.row.retried += row.retried;
      into.row.cancelled += row.cancelled;
      add(into.row.failures, row.failures);
      const part = report.histograms.seconds[s];
      if (part) into.parts.push(part);
    });
    for (const sample of report.samples) {
      const key = `${sample.class}\u0000${sample.message}`;
      const known = samples.get(key);
      if (known) known.count += sample.count;
      else samples.set(key, { ...sample });
    }
    for (const target of report.targets) {
      const key = `${target.method} ${target.url}`;
      const known = targets.get(key);
      if (!known) targets.set(key, { ...target, failures: { ...target.failures } });
      else {
        known.scheduled += target.scheduled;
        known.ok += target.ok;
        known.failed += target.failed;
        known.cancelled += target.cancelled;
        add(known.failures, target.failures);
      }
    }
    for (const warning of report.client.warnings) warnings.push(`run ${i + 1}: ${warning}`);
  });
  const seconds: SparseHistogram[] = [];
  for (const { row, parts } of rows) {
    const h = histogramOf(SECOND_PRECISION_BITS, parts);
    row.p50 = percentileMs(h, 50);
    row.p99 = percentileMs(h, 99);
    seconds.push({ precisionBits: h.precisionBits, max: h.max, buckets: h.toSparse() });
  }
  const overall = histogramOf(
    first.histograms.overall.precisionBits,
    reports.map((r) => r.histograms.overall),
  );
  const kept = new Map<FailureClass, number>();
  const mergedSamples = [...samples.values()]
    .sort((a, b) => b.count - a.count)
    .filter((s) => {
      const n = kept.get(s.class) ?? 0;
      kept.set(s.class, n + 1);
      return n < SAMPLES_PER_CLASS;
    });
  const rates = reports.map((r) => r.options.rate);
  const sum = (pick: (r: LoadReport) => number) => reports.reduce((n, r) => n + pick(r), 0);
  const max = (pick: (r: LoadReport) => number) => Math.max(...reports.map(pick));
  const autoLimits = reports.map((r) => r.client.autoConnectionLimit);
  const ramps = reports.map((r) => r.options.ramp);
  const result: LoadResult = {
    startedAt,
    elapsedMs: max((r) => r.elapsedMs + 1000 * (offsets[reports.indexOf(r)] as number)),
    aborted: reports.some((r) => r.aborted),
    totals,
    failures,
    latency: latencySummary(overall),
    timeline: rows.map((r) => r.row),
    samples: mergedSamples,
    client: {
      lateWaitingForConnection: sum((r) => r.client.lateWaitingForConnection),
      waitedForConnection: sum((r) => r.client.waitedForConnection),
      peakConnections: sum((r) => r.client.peakConnections),
      autoConnectionLimit: autoLimits.every((l) => l === null)
        ? null
        : Math.max(...autoLimits.map((l) => l ?? 0)),
      neverSent: sum((r) => r.client.neverSent),
      eventLoopDelayP99: max((r) => r.client.eventLoopDelayP99),
      eventLoopDelayMax: max((r) => r.client.eventLoopDelayMax),
      warnings,
    },
    options: {
      ...first.options,
      // the rate the runs offered together
      rate: rates.every((r) => r !== null)
        ? rates.reduce((a, b) => (a as number) + (b as number), 0)
        : null,
      ramp: ramps.every((r) => r !== null && r.durationMs === ramps[0]?.durationMs)
        ? {
            from: ramps.reduce((n, r) => n + (r?.from ?? 0), 0),
            to: ramps.reduce((n, r) => n + (r?.to ?? 0), 0),
            durationMs: ramps[0]?.durationMs ?? 0,
          }
        : first.options.ramp,
    },
    targets: [...targets.values()],
    histograms: {
      version: 1,
      overall: {
        precisionBits: overall.precisionBits,
        max: overall.max,
        buckets: overall.toSparse(),
      },
      seconds,
    },
  };
  return { result, commands: reports.map((r) => r.command ?? null) };
}
