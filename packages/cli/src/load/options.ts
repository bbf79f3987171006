/**
 * The options of `runLoad`: their shape, their defaults (declared once; the CLI's flag defaults and
 * docs/load.md use these) and their validation.
 */
import { invalidOption } from './errors.js';
import type { RequestRecord, ResolvedOptionsRecord, TimelineSecond } from './result.js';

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

/** The defaults of `runLoad`, declared once; the CLI's flag defaults and docs/load.md use these. */
export const LOAD_DEFAULTS = {
  rate: 200,
  connections: 64,
  keepalive: true,
  maxRequestsPerConnection: 0,
  timeoutMs: 10_000,
  method: 'GET',
  /** A send started more than this after it was due counts as late. */
  lateThresholdMs: 10,
} as const;

/** Options after validation, ready for the engine. */
export interface ResolvedOptions extends Omit<ResolvedOptionsRecord, 'url'> {
  url: URL;
  body: Buffer | undefined;
}

const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_NAME = METHOD;
/** Connection-specific headers, which HTTP/2 forbids (RFC 9113 §8.2.2). */
const HTTP1_ONLY = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]);
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

/** The options `resolveOptions` checks, by the name an error gives them. */
export type CheckedOption =
  | 'url'
  | 'rate'
  | 'durationMs'
  | 'connections'
  | 'maxRequestsPerConnection'
  | 'timeoutMs'
  | 'method'
  | 'headers';

/**
 * The flag each option came from, when it came from one: errors then name the flag the user typed
 * instead of the `runLoad` option.
 */
export type OptionFlags = Readonly<Partial<Record<CheckedOption, string>>>;

/** Parses and checks a target URL: absolute, http: or https:, with a host. */
export function parseTarget(url: string | URL, flags: OptionFlags = {}): URL {
  const fail = (expected: string) => invalidOption('url', expected, String(url), flags.url);
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : new URL(url.href);
  } catch {
    throw fail('an absolute http:// or https:// URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw fail('an http:// or https:// URL');
  }
  if (parsed.hostname === '') throw fail('a URL with a host');
  return parsed;
}

function checkHeaders(
  given: Readonly<Record<string, string>>,
  flags: OptionFlags,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (!HEADER_NAME.test(name)) {
      throw invalidOption('headers', 'valid header names', name, flags.headers);
    }
    if (/[\r\n\0]/.test(value)) {
      throw invalidOption('headers', 'values without CR or LF', value, flags.headers);
    }
    headers[name] = value;
  }
  return headers;
}

/**
 * Validates `runLoad` options once, at the start, and fills in the defaults. Errors name the option,
 * or the flag it came from when `flags` says so.
 */
export function resolveOptions(options: LoadOptions, flags: OptionFlags = {}): ResolvedOptions {
  const fail = (option: CheckedOption, expected: string, received: unknown) =>
    invalidOption(option, expected, received, flags[option]);
  const whole = (
    option: CheckedOption,
    value: number | undefined,
    fallback: number,
    min: number,
  ) => {
    const n = value ?? fallback;
    if (!Number.isInteger(n) || n < min) throw fail(option, `a whole number >= ${min}`, value);
    return n;
  };
  const url = parseTarget(options.url, flags);
  const closedLoop = options.closedLoop ?? false;
  const rate = options.rate;
  if (!closedLoop && (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0)) {
    throw fail('rate', 'a number of requests per second > 0', rate);
  }
  const durationMs = options.durationMs;
  if (durationMs !== undefined && (!Number.isFinite(durationMs) || durationMs <= 0)) {
    throw fail('durationMs', 'a duration > 0 ms', durationMs);
  }
  const timeoutMs = options.timeoutMs ?? LOAD_DEFAULTS.timeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw fail('timeoutMs', 'a duration > 0 ms', options.timeoutMs);
  }
  const method = (options.method ?? LOAD_DEFAULTS.method).toUpperCase();
  if (!METHOD.test(method)) throw fail('method', 'an HTTP method token', options.method);
  const headers = checkHeaders(options.headers ?? {}, flags);
  if (options.http2) {
    const banned = Object.keys(headers).find((name) => HTTP1_ONLY.has(name.toLowerCase()));
    if (banned !== undefined) {
      throw fail('headers', 'no connection-specific header with HTTP/2', banned);
    }
  }
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  return {
    url,
    rate: closedLoop ? null : (rate as number),
    durationMs: durationMs ?? null,
    connections: whole('connections', options.connections, LOAD_DEFAULTS.connections, 1),
    keepalive: options.keepalive ?? LOAD_DEFAULTS.keepalive,
    maxRequestsPerConnection: whole(
      'maxRequestsPerConnection',
      options.maxRequestsPerConnection,
      LOAD_DEFAULTS.maxRequestsPerConnection,
      0,
    ),
    timeoutMs,
    method,
    headers,
    body,
    bodyBytes: body?.length ?? 0,
    http2: options.http2 ?? false,
    insecure: options.insecure ?? false,
    failOn4xx: options.failOn4xx ?? false,
    closedLoop,
    lateThresholdMs: LOAD_DEFAULTS.lateThresholdMs,
  };
}

/** The JSON-safe record of the options a run used (the URL without credentials). */
export function optionsRecord(resolved: ResolvedOptions): ResolvedOptionsRecord {
  const { url, body: _body, headers, ...rest } = resolved;
  const shown = new URL(url.href);
  shown.username = '';
  shown.password = '';
  const safeHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    safeHeaders[name] = SECRET_HEADERS.has(name.toLowerCase()) ? '<redacted>' : value;
  }
  return { url: shown.href, ...rest, headers: safeHeaders };
}
