/**
 * What `runLoad` returns. The result is also the body of the `--json` document, so every field here is
 * part of a stable contract (see docs/load.md).
 */

/** How a failed request failed. Stable names, used in text, JSON and HTML alike. */
export type FailureClass =
  | 'refused'
  | 'reset'
  | 'closed-before-response'
  | 'timeout'
  | 'dns'
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
  'timeout',
  'dns',
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
  /** Requests due by the schedule. Every one ends as ok or failed. */
  scheduled: number;
  /** Requests the client started (connection attempt or write). */
  sent: number;
  ok: number;
  failed: number;
  /** Requests the client itself started later than `lateThresholdMs` after they were due. */
  late: number;
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
  url: string;
  rate: number | null;
  durationMs: number | null;
  connections: number;
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
  /** Event-loop delay of the load generator itself, in ms. */
  eventLoopDelayP99: number;
  eventLoopDelayMax: number;
  /** Warnings about figures the client may have distorted. */
  warnings: string[];
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
}
