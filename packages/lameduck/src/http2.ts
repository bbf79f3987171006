import type { Http2Session, ServerHttp2Stream } from 'node:http2';
import type { TrackerContext } from './tracker-context.js';

interface SessionState {
  streams: number;
  /** GOAWAY sent (or scheduled). */
  goaway: boolean;
}

/**
 * HTTP/2 sessions of one server, drained the way HTTP/1 connections are: "finish what you have, then
 * go elsewhere". A session with streams in flight when the drain starts is sent a GOAWAY carrying
 * the last stream it accepted, and every one of those streams finishes. An idle session is left
 * alone until its next stream has been accepted, then gets the same GOAWAY — so a client that sends
 * one request at a time never has a stream refused.
 *
 * The GOAWAY goes out on the next turn of the event loop (setImmediate), after Node has accepted
 * every stream that arrived in the same read: nghttp2 ignores any new stream once it has sent a
 * GOAWAY of any kind, and a GOAWAY naming an earlier stream would make the client treat streams the
 * server is serving as refused.
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
      if (state.streams > 0) this.#goaway(session, state);
    }
  }

  /** Closing: every session gets its GOAWAY now, idle or not. */
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
    if (state.goaway) return;
    state.goaway = true;
    setImmediate(() => {
      if (session.closed || session.destroyed) return;
      this.#context.counters.goawaysSent++;
      // close(): GOAWAY (NO_ERROR, last stream accepted), then the session ends when its streams do.
      session.close();
    });
  }
}
