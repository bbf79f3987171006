/**
 * The options of `runLoad`: their shape, their defaults (declared once; the CLI's flag defaults and
 * docs/load.md use these) and their validation.
 */
import { invalidOption } from './errors.js';
import type { RequestRecord, ResolvedOptionsRecord, TimelineSecond } from './result.js';

/** One endpoint of a run with several: its own method, headers, body and share of the requests. */
export interface TargetOptions {
  /** Absolute http: or https: URL. */
  readonly url: string | URL;
  /** Defaults to the run's `method`. */
  readonly method?: string;
  /** Added to (and overriding) the run's `headers`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Defaults to the run's `body`. */
  readonly body?: string | Uint8Array;
  /** Share of the requests, relative to the other targets' weights (default 1). */
  readonly weight?: number;
}

/** A rate that moves linearly from `from` to `to` requests per second over `durationMs`, then holds. */
export interface RampOptions {
  readonly from: number;
  readonly to: number;
  readonly durationMs: number;
}

export interface LoadOptions {
  /** Absolute http: or https: URL. Required unless `targets` is given. */
  readonly url?: string | URL;
  /** Several endpoints; requests are spread over them by weight. `url` (if given) is the first. */
  readonly targets?: readonly TargetOptions[];
  /** Requests per second, open model (fixed arrival rate). Required unless `ramp` or `closedLoop`. */
  readonly rate?: number;
  /** A rate that changes during the run (replaces `rate`). */
  readonly ramp?: RampOptions;
  /** How long to send. Without it the run lasts until `signal` or `endSignal`. */
  readonly durationMs?: number;
  /**
   * Upper bound of the connection pool (HTTP/2: sessions). `auto` (the default in the open model)
   * sizes it from rate × observed latency, between 64 and 1024.
   */
  readonly connections?: number | 'auto';
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
   * those that do not are counted as `cancelled` (neither ok nor failed).
   */
  readonly signal?: AbortSignal;
  /**
   * Ends the run as if its duration were over: no more requests are scheduled and those in flight
   * get their outcome (bounded by the timeout). `lameduck load -- <command>` uses it.
   */
  readonly endSignal?: AbortSignal;
  /** Called once per scheduled request when its outcome is known (not for cancelled ones). */
  readonly onRequest?: (record: RequestRecord) => void;
  /** Called with each finished second of the timeline (for live progress). */
  readonly onSecond?: (second: TimelineSecond) => void;
}

/** The defaults of `runLoad`, declared once; the CLI's flag defaults and docs/load.md use these. */
export const LOAD_DEFAULTS = {
  rate: 200,
  connections: 'auto',
  /** The pool of the closed loop, where `auto` has no rate to size from. */
  closedLoopConnections: 64,
  keepalive: true,
  maxRequestsPerConnection: 0,
  timeoutMs: 10_000,
  method: 'GET',
  /** A send started more than this after it was due counts as late. */
  lateThresholdMs: 10,
} as const;

/**
 * The highest rate one client process is allowed: above it a schedule is no longer a rate but a
 * burst (`--rate 1e9 --duration 1ms` would be a million requests at once). Run several processes
 * and merge their reports for more.
 */
export const MAX_RATE = 100_000;

/** One target after validation. */
export interface ResolvedTarget {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  weight: number;
}

/** Options after validation, ready for the engine. */
export interface ResolvedOptions
  extends Omit<ResolvedOptionsRecord, 'url' | 'connections' | 'ramp'> {
  /** The first target's URL, method, headers and body. */
  url: URL;
  body: Buffer | undefined;
  targets: ResolvedTarget[];
  ramp: RampOptions | null;
  /** A fixed pool size, or `auto`. */
  connections: number | 'auto';
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
  | 'targets'
  | 'rate'
  | 'ramp'
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

/** `http://user@host:8080/x` → `user@host:8080`: the authority as typed (WHATWG URL would guess). */
const AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i;

/**
 * Parses and checks a target URL: absolute, http: or https:, with a host written after `//` (WHATWG
 * URL reads `http:///path` as host "path"), and a port from 1 to 65535 when one is given.
 */
export function parseTarget(url: string | URL, flags: OptionFlags = {}, option = 'url'): URL {
  const text = String(url);
  const flag = flags.url;
  const fail = (expected: string) => invalidOption(option, expected, text, flag);
  if (typeof url === 'string') {
    const authority = AUTHORITY.exec(url.trim())?.[1];
    if (authority === undefined) throw fail('an absolute http:// or https:// URL');
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    if (host === '' || host.startsWith(':')) throw fail('a URL with a host after "//"');
    const port = /:(\d*)$/.exec(host.startsWith('[') ? host.slice(host.indexOf(']')) : host)?.[1];
    if (port !== undefined && port !== '' && !(Number(port) >= 1 && Number(port) <= 65535)) {
      throw invalidOption(option, `a port from 1 to 65535 in "${text}"`, Number(port), flag);
    }
  }
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
  flag: string | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (!HEADER_NAME.test(name)) {
      throw invalidOption('headers', 'valid header names', name, flag);
    }
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) {
      throw invalidOption('headers', 'values without CR or LF', value, flag);
    }
    headers[name] = value;
  }
  return headers;
}

/** A rate in requests per second: > 0 and at most MAX_RATE. */
function checkRate(
  option: CheckedOption,
  value: unknown,
  flag: string | undefined,
  allowZero = false,
): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (!allowZero && value === 0)
  ) {
    throw invalidOption(
      option,
      `a number of requests per second ${allowZero ? '>= 0' : '> 0'}`,
      value,
      flag,
    );
  }
  if (value > MAX_RATE) {
    throw invalidOption(
      option,
      `at most ${MAX_RATE} requests per second from one process (above that a schedule is a burst, not a rate: run several processes and merge their reports)`,
      value,
      flag,
    );
  }
  return value;
}

interface Common {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer | undefined;
  readonly http2: boolean;
}

function resolveTarget(
  given: TargetOptions,
  common: Common,
  flags: OptionFlags,
  index: number | undefined,
): ResolvedTarget {
  // a target of a list: the API names `targets[1].method`, the CLI `--targets t.json: target 2 method`
  const option = (name: string) => (index === undefined ? name : `targets[${index}].${name}`);
  const flag = (name: string): string | undefined =>
    index === undefined
      ? flags[name as CheckedOption]
      : flags.targets === undefined
        ? undefined
        : `${flags.targets}: target ${index + 1} "${name}"`;
  const url = parseTarget(
    given.url,
    index === undefined ? flags : { url: flag('url') as string },
    option('url'),
  );
  const method = (given.method ?? common.method).toUpperCase();
  if (!METHOD.test(method)) {
    throw invalidOption(option('method'), 'an HTTP method token', given.method, flag('method'));
  }
  const own = checkHeaders(given.headers ?? {}, flag('headers'));
  const headers = { ...common.headers, ...own };
  if (common.http2) {
    const banned = Object.keys(own).find((name) => HTTP1_ONLY.has(name.toLowerCase()));
    if (banned !== undefined) {
      throw invalidOption(
        option('headers'),
        'no connection-specific header with HTTP/2',
        banned,
        flag('headers'),
      );
    }
  }
  const weight = given.weight ?? 1;
  if (!Number.isInteger(weight) || weight < 1 || weight > 1_000_000) {
    throw invalidOption(
      option('weight'),
      'a weight that is a whole number from 1 to 1000000',
      weight,
      flag('weight'),
    );
  }
  const body = given.body === undefined ? common.body : Buffer.from(given.body);
  return { url, method, headers, body, weight };
}

/** What every target shares unless it says otherwise: method, headers, body. */
function resolveCommon(options: LoadOptions, flags: OptionFlags): Common {
  const method = (options.method ?? LOAD_DEFAULTS.method).toUpperCase();
  if (!METHOD.test(method)) {
    throw invalidOption('method', 'an HTTP method token', options.method, flags.method);
  }
  const http2 = options.http2 ?? false;
  const headers = checkHeaders(options.headers ?? {}, flags.headers);
  const banned = Object.keys(headers).find((name) => HTTP1_ONLY.has(name.toLowerCase()));
  if (http2 && banned !== undefined) {
    throw invalidOption(
      'headers',
      'no connection-specific header with HTTP/2',
      banned,
      flags.headers,
    );
  }
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  return { method, headers, body, http2 };
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
  const closedLoop = options.closedLoop ?? false;
  const ramp = closedLoop ? null : resolveRamp(options.ramp, flags);
  const rate = closedLoop || ramp !== null ? null : checkRate('rate', options.rate, flags.rate);
  const durationMs = options.durationMs;
  if (durationMs !== undefined && (!Number.isFinite(durationMs) || durationMs <= 0)) {
    throw fail('durationMs', 'a duration > 0 ms', durationMs);
  }
  const timeoutMs = options.timeoutMs ?? LOAD_DEFAULTS.timeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw fail('timeoutMs', 'a duration > 0 ms', options.timeoutMs);
  }
  const common = resolveCommon(options, flags);
  const http2 = common.http2;
  const given: { target: TargetOptions; index: number | undefined }[] = [];
  if (options.url !== undefined) given.push({ target: { url: options.url }, index: undefined });
  (options.targets ?? []).forEach((target, index) => {
    given.push({ target, index });
  });
  if (given.length === 0) throw fail('url', 'a URL (or targets)', undefined);
  const targets = given.map(({ target, index }) => resolveTarget(target, common, flags, index));
  const first = targets[0] as ResolvedTarget;
  const connections = resolveConnections(options.connections, closedLoop, flags);
  return {
    url: first.url,
    targets,
    rate,
    ramp,
    durationMs: durationMs ?? null,
    connections,
    keepalive: options.keepalive ?? LOAD_DEFAULTS.keepalive,
    maxRequestsPerConnection: whole(
      'maxRequestsPerConnection',
      options.maxRequestsPerConnection,
      LOAD_DEFAULTS.maxRequestsPerConnection,
      0,
    ),
    timeoutMs,
    method: first.method,
    headers: first.headers,
    body: first.body,
    bodyBytes: first.body?.length ?? 0,
    http2,
    insecure: options.insecure ?? false,
    failOn4xx: options.failOn4xx ?? false,
    closedLoop,
    lateThresholdMs: LOAD_DEFAULTS.lateThresholdMs,
  };
}

function resolveConnections(
  value: number | 'auto' | undefined,
  closedLoop: boolean,
  flags: OptionFlags,
): number | 'auto' {
  const n = value ?? LOAD_DEFAULTS.connections;
  if (n === 'auto') return closedLoop ? LOAD_DEFAULTS.closedLoopConnections : 'auto';
  if (!Number.isInteger(n) || n < 1) {
    throw invalidOption('connections', 'a whole number >= 1 (or auto)', value, flags.connections);
  }
  return n;
}

function resolveRamp(ramp: RampOptions | undefined, flags: OptionFlags): RampOptions | null {
  if (ramp === undefined) return null;
  const from = checkRate('ramp', ramp.from, flags.ramp, true);
  const to = checkRate('ramp', ramp.to, flags.ramp, true);
  if (from === 0 && to === 0) {
    throw invalidOption('ramp', 'a ramp to or from a rate > 0', `${from}..${to}`, flags.ramp);
  }
  if (!Number.isFinite(ramp.durationMs) || ramp.durationMs <= 0) {
    throw invalidOption('ramp', 'a ramp duration > 0 ms', ramp.durationMs, flags.ramp);
  }
  return { from, to, durationMs: ramp.durationMs };
}

const redact = (headers: Record<string, string>): Record<string, string> => {
  const safe: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    safe[name] = SECRET_HEADERS.has(name.toLowerCase()) ? '<redacted>' : value;
  }
  return safe;
};

/** A URL as reports show it: without credentials. */
export function shownUrl(url: URL): string {
  const shown = new URL(url.href);
  shown.username = '';
  shown.password = '';
  return shown.href;
}

/** The JSON-safe record of the options a run used (the URL without credentials). */
export function optionsRecord(resolved: ResolvedOptions): ResolvedOptionsRecord {
  const { url, body: _body, headers, targets: _targets, ramp, ...rest } = resolved;
  const rate = ramp ? ramp.to : rest.rate;
  return { url: shownUrl(url), ...rest, rate, ramp, headers: redact(headers) };
}
