import { constants, type Http2Session, type ServerHttp2Stream } from 'node:http2';
import type { TrackerContext } from './tracker-context.js';

/** The highest stream id; a GOAWAY carrying it says "no new streams" without refusing any in flight. */
const MAX_STREAM_ID = 2 ** 31 - 1;
/** How long to wait for the PING that follows the first GOAWAY before sending the final one. */
const PING_TIMEOUT_MS = 1000;

interface SessionState {
  streams: number;
  goaway: boolean;
}

/**
 * HTTP/2 sessions of one server. Draining sends every session a graceful GOAWAY: first one with the
 * highest stream id (no new streams, none refused), then — one PING round trip later, so streams the
 * client already sent have arrived — `session.close()`, whose GOAWAY carries the last stream id
 * processed and which lets every in-flight stream finish. A session opened while draining serves its
 * first stream, then gets the same treatment (the HTTP/2 twin of `Connection: close`).
 */
export class Http2Sessions {
  readonly #context: TrackerContext;
  readonly #sessions = new Map<Http2Session, SessionState>();

  constructor(context: TrackerContext) {
    this.#context = context;
  }

  add(session: Http2Session): void {
    if (this.#sessions.has(session)) return;
    this.#sessions.set(session, { streams: 0, goaway: false });
    session.once('close', () => {
      this.#sessions.delete(session);
      this.#context.changed();
    });
    // Errors on a session we are closing are expected (peer gone); the app may have its own listener.
    session.on('error', () => {});
  }

  onStream(stream: ServerHttp2Stream): void {
    const session = stream.session;
    if (!session) return;
    this.add(session);
    const state = this.#sessions.get(session);
    if (!state) return;
    const { counters } = this.#context;
    const phase = this.#context.phase();
    counters.requests++;
    if (phase === 'draining') counters.requestsWhileDraining++;
    if (phase === 'closing') counters.requestsWhileClosing++;
    state.streams++;
    stream.once('close', () => {
      state.streams--;
      this.#context.changed();
    });
    if (phase === 'draining' || phase === 'closing') this.#goaway(session, state);
  }

  beginDrain(): void {
    for (const [session, state] of this.#sessions) {
      // A session with no stream yet is left to serve its first one (see onStream).
      if (state.streams > 0 || session.state.lastProcStreamID) this.#goaway(session, state);
    }
  }

  beginClosing(): void {
    for (const [session, state] of this.#sessions) this.#goaway(session, state);
  }

  get inFlight(): number {
    let count = 0;
    for (const state of this.#sessions.values()) count += state.streams;
    return count;
  }

  destroyAll(): number {
    let cut = 0;
    for (const [session, state] of this.#sessions) {
      cut += state.streams;
      session.destroy();
    }
    return cut;
  }

  #goaway(session: Http2Session, state: SessionState): void {
    if (state.goaway || session.closed || session.destroyed) return;
    state.goaway = true;
    this.#context.counters.goawaysSent++;
    let finished = false;
    const close = () => {
      if (finished) return;
      finished = true;
      cancel();
      if (!session.closed && !session.destroyed) session.close();
    };
    const cancel = this.#context.clock.setTimer(close, PING_TIMEOUT_MS);
    try {
      session.goaway(constants.NGHTTP2_NO_ERROR, MAX_STREAM_ID);
      if (!session.ping(close)) close();
    } catch {
      close();
    }
  }
}
