import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  constants,
  type IncomingHttpHeaders,
} from 'node:http2';
import type { ResolvedOptions } from '../options.js';
import type { Outcome } from '../result.js';
import { classifyError, classifyStatus, describeError } from './classify.js';
import { requestHeaders, requestPath } from './request-head.js';
import type { Job, Transport, TransportEvents } from './transport.js';

/** Streams per session before another session is opened (within --connections). */
const STREAMS_PER_SESSION = 100;

interface Session {
  readonly session: ClientHttp2Session;
  readonly jobs: Set<Job>;
  streams: number;
  /** The server sent GOAWAY: no new streams on this session. */
  draining: boolean;
}

/** How a stream that ended without a response failed. */
function streamFailure(stream: ClientHttp2Stream): Outcome {
  // REFUSED_STREAM means the server never processed the stream
  return stream.rstCode === constants.NGHTTP2_REFUSED_STREAM ? 'closed-before-response' : 'reset';
}

/** The class of a stream's error event: a refused stream was never processed, others were reset. */
function streamErrorClass(error: unknown): Outcome {
  const code = (error as { code?: unknown }).code;
  if (code !== 'ERR_HTTP2_STREAM_ERROR') return classifyError(error);
  return /REFUSED_STREAM/.test(String((error as Error).message))
    ? 'closed-before-response'
    : 'reset';
}

/**
 * HTTP/2 over TLS (ALPN h2) or cleartext (h2c, prior knowledge). Requests are streams multiplexed
 * over at most `connections` sessions; a session closes after `maxRequestsPerConnection` streams.
 */
export function createHttp2Transport(options: ResolvedOptions, events: TransportEvents): Transport {
  const sessions = new Set<Session>();
  const authority = options.url.origin;
  const headers = {
    ...requestHeaders(options),
    [constants.HTTP2_HEADER_METHOD]: options.method,
    [constants.HTTP2_HEADER_PATH]: requestPath(options.url),
  };
  const max = options.keepalive ? options.maxRequestsPerConnection : 1;

  const finish = (owner: Session, job: Job, outcome: Outcome, message?: string) => {
    owner.jobs.delete(job);
    // a session that served its quota closes once its last stream is done
    if (max > 0 && owner.streams >= max && owner.jobs.size === 0) owner.session.close();
    if (job.done) return;
    job.cancel = undefined;
    events.finish(job, outcome, message);
  };

  const open = (): Session => {
    const session = connect(authority, { rejectUnauthorized: !options.insecure });
    const owner: Session = { session, jobs: new Set(), streams: 0, draining: false };
    sessions.add(owner);
    session.on('error', (error) => {
      for (const job of owner.jobs) finish(owner, job, classifyError(error), describeError(error));
    });
    session.on('goaway', () => {
      owner.draining = true;
    });
    session.on('close', () => {
      sessions.delete(owner);
      for (const job of owner.jobs) {
        finish(owner, job, 'closed-before-response', 'HTTP/2 session closed before the response');
      }
    });
    return owner;
  };

  const pick = (): Session => {
    for (const owner of sessions) {
      if (owner.draining || owner.session.closed || owner.session.destroyed) continue;
      if (max > 0 && owner.streams >= max) continue;
      if (owner.jobs.size < STREAMS_PER_SESSION || sessions.size >= options.connections) {
        return owner;
      }
    }
    return open();
  };

  return {
    send(job) {
      const owner = pick();
      owner.jobs.add(job);
      owner.streams++;
      events.started(job);
      const body = options.body;
      let stream: ClientHttp2Stream;
      try {
        stream = owner.session.request(headers, { endStream: body === undefined });
      } catch (error) {
        finish(owner, job, classifyError(error), describeError(error));
        return;
      }
      job.cancel = () => stream.close(constants.NGHTTP2_CANCEL);
      let status = 0;
      stream.on('response', (h: IncomingHttpHeaders) => {
        status = Number(h[constants.HTTP2_HEADER_STATUS]);
      });
      stream.on('data', () => {});
      stream.on('error', (error) =>
        finish(owner, job, streamErrorClass(error), describeError(error)),
      );
      stream.on('close', () => {
        if (status > 0 && stream.rstCode === constants.NGHTTP2_NO_ERROR) {
          const outcome = classifyStatus(status, options.failOn4xx);
          finish(owner, job, outcome, outcome === 'ok' ? undefined : `HTTP ${status}`);
        } else {
          finish(
            owner,
            job,
            streamFailure(stream),
            `HTTP/2 stream closed (code ${stream.rstCode})`,
          );
        }
      });
      if (body !== undefined) stream.end(body);
    },
    get openConnections() {
      return sessions.size;
    },
    close() {
      for (const owner of sessions) owner.session.destroy();
    },
  };
}
