import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  constants,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http2';
import type { LookupFunction } from 'node:net';
import type { ResolvedOptions } from '../options.js';
import type { FailureClass, Outcome } from '../result.js';
import { classifyError, classifyStatus, describeError } from './classify.js';
import { needsLookup, openSocket, originKey } from './connect.js';
import { goawayClass, http2ErrorName } from './http2-codes.js';
import { requestHeaders, requestPath } from './request-head.js';
import type { ConnectionLimit, Job, Transport, TransportEvents } from './transport.js';

/** Streams per session before another session is opened (within the connection limit). */
const STREAMS_PER_SESSION = 100;

interface Session {
  readonly session: ClientHttp2Session;
  readonly origin: string;
  readonly jobs: Set<Job>;
  streams: number;
  /** The server sent GOAWAY (or the session served its quota): no new streams on this session. */
  draining: boolean;
  /** The GOAWAY's error code, once one arrived. */
  goawayCode: number | undefined;
  /** Its host name is still being resolved. */
  resolving: boolean;
}

/**
 * Node destroys a client session at once when a GOAWAY with an error code arrives (right after the
 * 'goaway' event), which drops the streams the server may still answer: RFC 9113 §6.8 says streams
 * at or below the last stream id "might still complete successfully". This closes the session
 * gracefully instead, as nghttp2 itself does: those streams end by what the server does with them.
 */
function keepAnsweredStreams(session: ClientHttp2Session): void {
  const own = session as ClientHttp2Session & { destroy: ClientHttp2Session['destroy'] };
  own.destroy = function destroyAfterGoaway(this: ClientHttp2Session) {
    Reflect.deleteProperty(own, 'destroy');
    this.close();
    return this;
  } as ClientHttp2Session['destroy'];
  // only the call that follows the event is replaced
  queueMicrotask(() => {
    if (Object.hasOwn(own, 'destroy')) Reflect.deleteProperty(own, 'destroy');
  });
}

/**
 * HTTP/2 over TLS (ALPN h2) or cleartext (h2c, prior knowledge). Requests are streams multiplexed
 * over at most `limit()` sessions per origin; a session closes after `maxRequestsPerConnection`
 * streams. A stream the server refused unprocessed (above a GOAWAY's last stream id, or
 * REFUSED_STREAM) is sent once more on a new session and counted as retried.
 */
export function createHttp2Transport(
  options: ResolvedOptions,
  events: TransportEvents,
  limit: ConnectionLimit,
  lookup: LookupFunction,
): Transport {
  const sessions = new Map<string, Set<Session>>();
  const origins = options.targets.map((target) => originKey(target.url));
  const urls = new Map(options.targets.map((target) => [originKey(target.url), target.url]));
  const requests = options.targets.map((target) => ({
    headers: {
      ...requestHeaders(target),
      [constants.HTTP2_HEADER_METHOD]: target.method,
      [constants.HTTP2_HEADER_PATH]: requestPath(target.url),
    } as OutgoingHttpHeaders,
    body: target.body,
  }));
  const max = options.keepalive ? options.maxRequestsPerConnection : 1;
  let openCount = 0;
  let closing = false;

  const finish = (owner: Session, job: Job, outcome: Outcome, message?: string) => {
    owner.jobs.delete(job);
    // a session that served its quota closes once its last stream is done
    if (max > 0 && owner.streams >= max && owner.jobs.size === 0) owner.session.close();
    if (job.done) return;
    job.cancel = undefined;
    job.timeoutClass = undefined;
    events.finish(job, outcome, message);
  };

  const open = (origin: string): Session => {
    const url = urls.get(origin) as URL;
    // the socket is made inside connect(), before the session's record exists
    const made: { owner?: Session } = {};
    const session = connect(url.origin, {
      createConnection: () => {
        const socket = openSocket({ url, insecure: options.insecure, alpn: ['h2'], lookup });
        socket.once('lookup', () => {
          const resolved = made.owner;
          if (!resolved) return;
          resolved.resolving = false;
          for (const job of resolved.jobs) job.timeoutClass = undefined;
        });
        return socket;
      },
    });
    const owner: Session = {
      session,
      origin,
      jobs: new Set(),
      streams: 0,
      draining: false,
      goawayCode: undefined,
      resolving: needsLookup(url),
    };
    made.owner = owner;
    let set = sessions.get(origin);
    if (!set) {
      set = new Set();
      sessions.set(origin, set);
    }
    set.add(owner);
    openCount++;
    // stream events carry each stream's outcome; the session's own error needs a listener
    session.on('error', () => {});
    session.on('goaway', (code: number) => {
      owner.draining = true;
      // a later GOAWAY (NO_ERROR, say, as the connection closes) does not hide an error code
      if (!owner.goawayCode) owner.goawayCode = code;
      if (code !== constants.NGHTTP2_NO_ERROR) keepAnsweredStreams(session);
    });
    session.on('close', () => {
      if (set.delete(owner)) openCount--;
      for (const job of owner.jobs) {
        finish(owner, job, sessionEndClass(owner), sessionEndMessage(owner));
      }
    });
    return owner;
  };

  /** The class of a stream lost with its session (no stream error of its own). */
  const sessionEndClass = (owner: Session): FailureClass =>
    owner.goawayCode !== undefined && owner.goawayCode !== constants.NGHTTP2_NO_ERROR
      ? goawayClass(owner.goawayCode)
      : 'closed-before-response';

  const sessionEndMessage = (owner: Session): string =>
    owner.goawayCode !== undefined
      ? `HTTP/2 connection closed after GOAWAY (${http2ErrorName(owner.goawayCode).toUpperCase().replace(/-/g, '_')}) before the response`
      : 'HTTP/2 connection closed before the response';

  const usable = (owner: Session) =>
    !owner.draining &&
    !owner.session.closed &&
    !owner.session.destroyed &&
    !(max > 0 && owner.streams >= max);

  const pick = (origin: string): Session => {
    const set = sessions.get(origin);
    if (set) {
      const full = set.size >= limit();
      for (const owner of set) {
        if (usable(owner) && (owner.jobs.size < STREAMS_PER_SESSION || full)) return owner;
      }
    }
    return open(origin);
  };

  /** The outcome of a stream that closed without a complete response. */
  const lost = (owner: Session, stream: ClientHttp2Stream, error: unknown): [Outcome, string] => {
    if (owner.goawayCode !== undefined && owner.goawayCode !== constants.NGHTTP2_NO_ERROR) {
      return [sessionEndClass(owner), sessionEndMessage(owner)];
    }
    const sessionGone = owner.session.destroyed || owner.session.closed;
    if ((error as { code?: unknown } | undefined)?.code === 'ERR_HTTP2_STREAM_ERROR') {
      return ['reset', describeError(error)];
    }
    if (error !== undefined) {
      const failure = classifyError(error);
      if (failure !== 'other' || !sessionGone) return [failure, describeError(error)];
    }
    if (sessionGone) return ['closed-before-response', sessionEndMessage(owner)];
    const code = http2ErrorName(stream.rstCode ?? 0)
      .toUpperCase()
      .replace(/-/g, '_');
    return ['reset', `HTTP/2 stream reset by the server (${code})`];
  };

  const send = (job: Job, owner: Session, first: boolean): void => {
    const request = requests[job.target] as (typeof requests)[number];
    owner.jobs.add(job);
    owner.streams++;
    if (owner.resolving) job.timeoutClass = 'dns-timeout';
    if (first) events.started(job);
    let stream: ClientHttp2Stream;
    try {
      stream = owner.session.request(request.headers, { endStream: request.body === undefined });
    } catch (error) {
      finish(owner, job, classifyError(error), describeError(error));
      return;
    }
    job.cancel = () => stream.close(constants.NGHTTP2_CANCEL);
    let status = 0;
    let streamError: unknown;
    stream.on('response', (h: IncomingHttpHeaders) => {
      status = Number(h[constants.HTTP2_HEADER_STATUS]);
    });
    stream.on('data', () => {});
    stream.on('error', (error) => {
      streamError = error;
    });
    stream.on('close', () => {
      if (job.done || !owner.jobs.has(job)) return;
      if (status > 0 && stream.rstCode === constants.NGHTTP2_NO_ERROR) {
        const outcome = classifyStatus(status, options.failOn4xx);
        finish(owner, job, outcome, outcome === 'ok' ? undefined : `HTTP ${status}`);
        return;
      }
      if (stream.rstCode === constants.NGHTTP2_REFUSED_STREAM && status === 0) {
        if (job.retries === 0 && !closing) {
          // never processed by the server (RFC 9113 §8.7): safe to send again, once, as the first
          // stream of a new session, which any server that takes a connection at all processes
          owner.jobs.delete(job);
          events.retried(job);
          send(job, open(owner.origin), false);
          return;
        }
        finish(
          owner,
          job,
          'closed-before-response',
          'HTTP/2 stream refused twice (REFUSED_STREAM)',
        );
        return;
      }
      const [outcome, message] = lost(owner, stream, streamError);
      finish(owner, job, outcome, message);
    });
    if (request.body !== undefined) stream.end(request.body);
  };

  return {
    send(job) {
      send(job, pick(origins[job.target] as string), true);
    },
    get openConnections() {
      return openCount;
    },
    close() {
      closing = true;
      for (const set of sessions.values()) {
        for (const owner of set) {
          // the real destroy, even right after a GOAWAY (see keepAnsweredStreams)
          Reflect.deleteProperty(owner.session, 'destroy');
          owner.session.destroy();
        }
      }
    },
  };
}
