import { invalidOption } from './errors.js';
import type { LoadOptions, ResolvedOptionsRecord } from './types.js';

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

function positiveInteger(name: string, value: number | undefined, fallback: number, min = 1) {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < min) {
    throw invalidOption(name, `a whole number >= ${min}`, value);
  }
  return n;
}

/** Parses and checks a target URL: absolute, http: or https:, with a host. */
export function parseTarget(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : new URL(url.href);
  } catch {
    throw invalidOption('url', 'an absolute http:// or https:// URL', String(url));
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalidOption('url', 'an http:// or https:// URL', String(url));
  }
  if (parsed.hostname === '') throw invalidOption('url', 'a URL with a host', String(url));
  return parsed;
}

function checkHeaders(given: Readonly<Record<string, string>>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (!HEADER_NAME.test(name)) throw invalidOption('headers', 'valid header names', name);
    if (/[\r\n\0]/.test(value)) throw invalidOption('headers', 'values without CR or LF', value);
    headers[name] = value;
  }
  return headers;
}

/** Validates `runLoad` options once, at the start, and fills in the defaults. */
export function resolveOptions(options: LoadOptions): ResolvedOptions {
  const url = parseTarget(options.url);
  const closedLoop = options.closedLoop ?? false;
  const rate = options.rate;
  if (!closedLoop && (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0)) {
    throw invalidOption('rate', 'a number of requests per second > 0', rate);
  }
  const durationMs = options.durationMs;
  if (durationMs !== undefined && (!Number.isFinite(durationMs) || durationMs <= 0)) {
    throw invalidOption('durationMs', 'a duration > 0 ms', durationMs);
  }
  const timeoutMs = options.timeoutMs ?? LOAD_DEFAULTS.timeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw invalidOption('timeoutMs', 'a duration > 0 ms', options.timeoutMs);
  }
  const method = (options.method ?? LOAD_DEFAULTS.method).toUpperCase();
  if (!METHOD.test(method)) throw invalidOption('method', 'an HTTP method token', options.method);
  const headers = checkHeaders(options.headers ?? {});
  if (options.http2) {
    const banned = Object.keys(headers).find((name) => HTTP1_ONLY.has(name.toLowerCase()));
    if (banned !== undefined) {
      throw invalidOption('headers', 'no connection-specific header with HTTP/2', banned);
    }
  }
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  return {
    url,
    rate: closedLoop ? null : (rate as number),
    durationMs: durationMs ?? null,
    connections: positiveInteger('connections', options.connections, LOAD_DEFAULTS.connections),
    keepalive: options.keepalive ?? LOAD_DEFAULTS.keepalive,
    maxRequestsPerConnection: positiveInteger(
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
