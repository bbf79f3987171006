import type { ResolvedTarget } from '../options.js';

/** What a request is made of. */
type RequestParts = Pick<ResolvedTarget, 'url' | 'method' | 'headers' | 'body'>;

const USER_AGENT = 'lameduck-load/0.1';

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

/** The request path with its query, as sent on the request line or in `:path`. */
export function requestPath(url: URL): string {
  return `${url.pathname || '/'}${url.search}`;
}

/** Header fields every request carries, user headers last so that they win. */
export function requestHeaders(options: RequestParts): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!hasHeader(options.headers, 'user-agent')) headers['user-agent'] = USER_AGENT;
  if (!hasHeader(options.headers, 'accept')) headers.accept = '*/*';
  if (options.url.username && !hasHeader(options.headers, 'authorization')) {
    const user = decodeURIComponent(options.url.username);
    const password = decodeURIComponent(options.url.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  return { ...headers, ...options.headers };
}

/**
 * The bytes of one HTTP/1.1 request, built once per run: with `close` it asks the server to close
 * the connection after the response (keep-alive off, or the last request of a connection).
 */
export function http1Request(options: RequestParts, close: boolean): Buffer {
  const headers = requestHeaders(options);
  const lines = [`${options.method} ${requestPath(options.url)} HTTP/1.1`];
  if (!hasHeader(headers, 'host')) lines.push(`Host: ${options.url.host}`);
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'connection') lines.push(`${name}: ${value}`);
  }
  const body = options.body;
  if (body !== undefined && !hasHeader(headers, 'content-length')) {
    lines.push(`Content-Length: ${body.length}`);
  }
  lines.push(close ? 'Connection: close' : 'Connection: keep-alive');
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body === undefined ? head : Buffer.concat([head, body]);
}
