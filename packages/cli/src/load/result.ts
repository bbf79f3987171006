/**
 * The public shapes of `lameduck load`: what `runLoad` takes and what it returns. The result is also
 * the `--json` document, so every field here is part of a stable contract (see docs/load.md).
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

export interface LoadOptions {
  /** Absolute http: or https: URL. */
  readonly url: string | URL;
  /** Requests per second, open model (fixed arrival rate). */
  readonly rate: number;
  /** How long to send. Without it the run lasts until `signal` aborts. */
  readonly durationMs?: number;
  /** Upper bound of the connection pool (HTTP/2: sessions). */
  readonly connections?: number;
  readonly keepalive?: boolean;
  /** Close a connection after this many responses (0: no limit). */
  readonly maxRequestsPerConnection?: number;
  /** Per request, counted from the scheduled send time. */
  readonly timeoutMs?: number;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly http2?: boolean;
  /** Accept self-signed or otherwise unverifiable TLS certificates. */
  readonly insecure?: boolean;
  /** Count 4xx responses as failures (`http-4xx`). */
  readonly failOn4xx?: boolean;
  /**
   * Closed loop instead of the open model: every connection sends its next request as soon as the
   * previous one is answered, and `rate` is ignored. For measuring the client's ceiling only; error
   * counts in this mode depend on how fast the server fails.
   */
  readonly closedLoop?: boolean;
  /**
   * Stops the run early; the result is still returned. Requests in flight get one second to finish;
   * those that do not are left out of every count.
   */
  readonly signal?: AbortSignal;
  /**
   * Ends the run as if its duration were over: no more requests are scheduled and those in flight
   * get their outcome (bounded by the timeout). `lameduck load -- <command>` uses it.
   */
  readonly endSignal?: AbortSignal;
  /** Called once per scheduled request when its outcome is known. */
  readonly onRequest?: (record: RequestRecord) => void;
  /** Called with each finished second of the timeline (for live progress). */
  readonly onSecond?: (second: TimelineSecond) => void;
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
