import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProbePaths } from './options.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/** What the probes report; bodies say no more than the status line does. */
export interface ProbeState {
  ready: boolean;
  started: boolean;
  shuttingDown: boolean;
}

/**
 * Answers one probe. Liveness is 200 for as long as the process answers (also while draining:
 * a failing liveness probe would get a draining pod restarted). Readiness is 200 only while
 * serving. Startup is 200 once the app has been ready once.
 */
export function answerProbe(
  kind: ProbeKind,
  state: ProbeState,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(response, request, 405, 'method not allowed', { allow: 'GET, HEAD' });
  } else if (kind === 'liveness') {
    send(response, request, 200, 'ok');
  } else if (kind === 'startup') {
    send(response, request, state.started ? 200 : 503, state.started ? 'started' : 'starting');
  } else if (state.ready) {
    send(response, request, 200, 'ready');
  } else {
    send(response, request, 503, state.shuttingDown ? 'shutting down' : 'not ready');
  }
}

/** Maps a request path (query ignored) to a probe, or undefined. */
export function probeFor(
  paths: Required<ProbePaths>,
  url: string | undefined,
): ProbeKind | undefined {
  const path = (url ?? '/').split('?', 1)[0];
  if (path === paths.liveness) return 'liveness';
  if (path === paths.readiness) return 'readiness';
  if (path === paths.startup) return 'startup';
  return undefined;
}

export function send(
  response: ServerResponse,
  request: IncomingMessage,
  status: number,
  body: string,
  headers: Record<string, string> = {},
  contentType = 'text/plain; charset=utf-8',
): void {
  const payload = Buffer.from(`${body}\n`);
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': payload.length,
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(request.method === 'HEAD' ? undefined : payload);
}
