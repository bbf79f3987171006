import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CheckedProbe, CheckResult } from './health.js';
import type { ProbePaths } from './options.js';
import type { Phase } from './phase.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/** What the probes report. */
export interface ProbeState {
  ready: boolean;
  started: boolean;
  shuttingDown: boolean;
  phase: Phase;
  /** Why the app said it is not ready (`notReady(reason)`). */
  reason: string | undefined;
}

/** Runs the health checks of a probe (resolves with no entries when there are none). */
export type CheckRunner = (probe: CheckedProbe) => Promise<Record<string, CheckResult>>;

interface Answer {
  status: number;
  text: string;
  checks?: Record<string, CheckResult>;
}

/**
 * The answer of one probe. Liveness is 200 for as long as the process answers and its liveness
 * checks pass — and always 200 while draining: a failing liveness probe would get a draining pod
 * restarted. Readiness is 200 only while serving, not marked not ready, and with every readiness
 * check passing (checks are not run when the state already says not ready). Startup is 200 once
 * the app has been ready once.
 */
export async function probeAnswer(
  kind: ProbeKind,
  state: ProbeState,
  run: CheckRunner,
): Promise<Answer> {
  if (kind === 'startup') {
    return state.started ? { status: 200, text: 'started' } : { status: 503, text: 'starting' };
  }
  if (kind === 'liveness') {
    if (state.shuttingDown) return { status: 200, text: 'ok' };
    const checks = await run('liveness');
    const ok = Object.values(checks).every((c) => c.ok);
    return { status: ok ? 200 : 503, text: ok ? 'ok' : 'failing', checks };
  }
  if (state.shuttingDown) return { status: 503, text: 'shutting down' };
  if (!state.ready) return { status: 503, text: 'not ready' };
  const checks = await run('readiness');
  const ok = Object.values(checks).every((c) => c.ok);
  return { status: ok ? 200 : 503, text: ok ? 'ready' : 'not ready', checks };
}

/** Answers one probe request: plain text, or JSON with `?verbose` or `Accept: application/json`. */
export function answerProbe(
  kind: ProbeKind,
  state: ProbeState,
  request: IncomingMessage,
  response: ServerResponse,
  run: CheckRunner,
): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(response, request, 405, 'method not allowed', { allow: 'GET, HEAD' });
    return;
  }
  probeAnswer(kind, state, run).then(
    (answer) => {
      if (!wantsJson(request)) {
        send(response, request, answer.status, answer.text);
        return;
      }
      const body = JSON.stringify({
        status: answer.text,
        phase: state.phase,
        ...(state.reason === undefined ? {} : { reason: state.reason }),
        ...(answer.checks ? { checks: answer.checks } : {}),
      });
      send(response, request, answer.status, body, {}, 'application/json');
    },
    () => send(response, request, 500, 'probe failed'),
  );
}

function wantsJson(request: IncomingMessage): boolean {
  const query = (request.url ?? '').split('?', 2)[1] ?? '';
  return (
    /(^|&)verbose(=|&|$)/.test(query) || (request.headers.accept ?? '').includes('application/json')
  );
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
