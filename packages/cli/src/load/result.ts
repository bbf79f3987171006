/**
 * What `runLoad` returns. The result is also the body of the `--json` document, so every field here is
 * part of a stable contract (see docs/load.md).
 */

/**
 * The classes of HTTP/2 connections closed by a GOAWAY with an error code (RFC 9113 §7): `goaway-`
 * and the code's name. A code the RFC does not define counts as `goaway-internal-error` (§7 allows
 * treating it so); its number is kept in the failure samples.
 */
export const GOAWAY_CLASSES = [
  'goaway-protocol-error',
  'goaway-internal-error',
  'goaway-flow-control-error',
  'goaway-settings-timeout',
  'goaway-stream-closed',
  'goaway-frame-size-error',
  'goaway-refused-stream',
  'goaway-cancel',
  'goaway-compression-error',
  'goaway-connect-error',
  'goaway-enhance-your-calm',
  'goaway-inadequate-security',
  'goaway-http-1-1-required',
] as const;

/** How a failed request failed. Stable names, used in text, JSON and HTML alike. */
export type FailureClass =
  | 'refused'
  | 'reset'
  | 'closed-before-response'
  | (typeof GOAWAY_CLASSES)[number]
  | 'timeout'
  | 'dns'
  | 'dns-timeout'
  | 'host-unreachable'
  | 'network-unreachable'
  | 'tls'
  | 'http-502'
  | 'http-503'
  | 'http-504'
  | 'http-5xx'
  | 'http-4xx'
  | 'other';

/** Every failure class, in the order reports list them. */
export const FAILURE_CLASSES: readonly FailureClass[] = [
  'refused',
  'reset',
  'closed-before-response',
  ...GOAWAY_CLASSES,
  'timeout',
  'dns',
  'dns-timeout',
  'host-unreachable',
  'network-unreachable',
  'tls',
  'http-502',
  'http-503',
  'http-504',
  'http-5xx',
  'http-4xx',
  'other',
];

export type Outcome = 'ok' | FailureClass;

/** One scheduled request, as `onRequest` sees it once its outcome is known. */
export interface RequestRecord {
  /** When the request was due, in ms since the run started (open model: the schedule, not the send). */
  readonly scheduledAt: number;
  /** From the scheduled send time to the outcome, in ms. */
  readonly latencyMs: number;
  readonly outcome: Outcome;
}

export interface Totals {
  /** Requests due by the schedule. Every one ends as ok, failed or cancelled. */
  scheduled: number;
  /** Requests the client started (connection attempt or write). */
  sent: number;
  ok: number;
  failed: number;
  /** Requests the client itself started later than `lateThresholdMs` after they were due. */
  late: number;
  /**
   * Requests sent a second time because the server refused their first stream without processing
   * it (HTTP/2: above a GOAWAY's last stream id, or REFUSED_STREAM). Each is also counted once as
   * ok or failed, by what happened to the retry.
   */
  retried: number;
  /**
   * Requests without an outcome because the run was aborted (`signal`): still in flight (or waiting
   * for a connection) one second after the abort. Neither ok nor failed.
   */
  cancelled: number;
}

/** Latency percentiles of successful requests, in ms from the scheduled send time; null without any. */
export interface LatencySummary {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
}

export interface TimelineSecond {
  /** Seconds since the run started, by scheduled send time. */
  second: number;
  ok: number;
  failures: Partial<Record<FailureClass, number>>;
  late: number;
  /** Requests of this second that were retried (see `Totals.retried`). */
  retried: number;
  /** Requests of this second cancelled by an abort (see `Totals.cancelled`). */
  cancelled: number;
  p50: number | null;
  p99: number | null;
}

/** A few raw messages behind failures, so that `other` can be understood. */
export interface FailureSample {
  class: FailureClass;
  message: string;
  count: number;
}

/** The options a run used, with every default filled in (JSON-safe). */
export interface ResolvedOptionsRecord {
  /** The first target's URL (see `LoadResult.targets` for all). */
  url: string;
  /** Requests per second; null in the closed loop. With a ramp: the rate it ends at. */
  rate: number | null;
  /** The rate's ramp, when the rate is not constant. */
  ramp: { from: number; to: number; durationMs: number } | null;
  durationMs: number | null;
  /** Upper bound of the pool; `auto`: sized from rate × observed latency. */
  connections: number | 'auto';
  keepalive: boolean;
  maxRequestsPerConnection: number;
  timeoutMs: number;
  method: string;
  headers: Record<string, string>;
  bodyBytes: number;
  http2: boolean;
  insecure: boolean;
  failOn4xx: boolean;
  closedLoop: boolean;
  lateThresholdMs: number;
}

export interface ClientHealth {
  /** Late sends that waited for a free connection; the other late sends lacked CPU time. */
  lateWaitingForConnection: number;
  /** Sends that waited for a free connection at all (late or not). */
  waitedForConnection: number;
  /** The most connections (HTTP/2: sessions) open at once. */
  peakConnections: number;
  /** The largest pool size `auto` reached; null when `connections` was fixed. */
  autoConnectionLimit: number | null;
  /** Requests that waited for a connection until their timeout: failed (`timeout`), never sent. */
  neverSent: number;
  /** Event-loop delay of the load generator itself, in ms. */
  eventLoopDelayP99: number;
  eventLoopDelayMax: number;
  /** Warnings about figures the client may have distorted. */
  warnings: string[];
}

/** A histogram's non-empty buckets, as `Histogram.toSparse()` gives them. */
export interface SparseHistogram {
  /** Relative precision 2^-bits of the bucket layout. */
  precisionBits: number;
  /** The exact largest value, µs (0 when empty). */
  max: number;
  /** `[index, count, index, count, …]`, indexes ascending. */
  buckets: number[];
}

/**
 * The latency histograms behind the percentiles (successful requests, µs from the scheduled send),
 * so that runs made on several machines can be merged exactly (`lameduck load merge`).
 */
export interface LatencyHistograms {
  /** The bucket layout: 1 = log-linear as in engine/histogram.ts. A merge refuses other versions. */
  version: 1;
  overall: SparseHistogram;
  /** One per timeline row, in the same order. */
  seconds: SparseHistogram[];
}

/** What happened to the requests of one target (one `--url`, or one entry of `--targets`). */
export interface TargetSummary {
  url: string;
  method: string;
  weight: number;
  scheduled: number;
  ok: number;
  failed: number;
  cancelled: number;
  failures: Partial<Record<FailureClass, number>>;
}

export interface LoadResult {
  /** Wall-clock time the run started (epoch ms). */
  startedAt: number;
  /** How long requests were scheduled, in ms. */
  elapsedMs: number;
  /** True when `signal` ended the run before its duration. */
  aborted: boolean;
  totals: Totals;
  /** Count per failure class; classes that did not occur are 0. */
  failures: Record<FailureClass, number>;
  latency: LatencySummary;
  timeline: TimelineSecond[];
  samples: FailureSample[];
  client: ClientHealth;
  options: ResolvedOptionsRecord;
  /** Per target, in the order given (one entry for a single URL). */
  targets: TargetSummary[];
  histograms: LatencyHistograms;
}
