import { constants, type Http2Session, type ServerHttp2Stream } from 'node:http2';
import { countRequest, type TrackerContext } from './tracker-context.js';

interface SessionState {
  /** Streams not closed yet. */
  readonly streams: Set<ServerHttp2Stream>;
  /** GOAWAY sent. */
  goaway: boolean;
}

/**
 * When the shutdown is forced, how long a session whose responses are all written may take to flush
 * them before it is destroyed (their last frames may still be queued in nghttp2).
 */
export const FLUSH_MS = 100;

/** The highest stream id: a GOAWAY carrying it says "no new streams" without disowning any sent. */
const MAX_STREAM_ID = 2 ** 31 - 1;

/**
 * HTTP/2 sessions of one server, drained the way HTTP/1 connections are: "finish what you have, then
 * go elsewhere". A session with streams in flight when the drain starts is sent a GOAWAY at once; an
 * idle one is left alone until its next stream arrives, and gets the GOAWAY while that stream is
 * being processed — ahead of its response, so a client that sends one request at a time reads the
 * GOAWAY before it could send another, and never has a stream refused.
 *
 * The GOAWAY carries the highest stream id (RFC 9113 §6.8): the client learns to open no new streams
 * here without being told that streams it already sent were dropped. Streams that cross the GOAWAY
 * on the wire are refused by nghttp2 with REFUSED_STREAM, which clients may safely retry. When the
 * drain delay is over, `session.close()` sends the final GOAWAY (last stream processed) and ends the
 * session once its streams have finished.
 */
export class Http2Sessions {
  readonly #context: TrackerContext;
  readonly #sessions = new Map<Http2Session, SessionState>();

  constructor(context: TrackerContext) {
    this.#context = context;
  }

  add(session: Http2Session): void {
    if (this.#sessions.has(session)) return;
    this.#sessions.set(session, { streams: new Set(), goaway: false });
    session.once('close', () => {
      this.#sessions.delete(session);
      this.#context.changed();
    });
    // Errors on a session we are closing are expected (peer gone); the app may have its own listener.
    session.on('error', () => {});
    // Accepted before the listener closed, but set up (TLS handshake, preface) only after closing
    // began: it gets its final GOAWAY now, or it would be held open by the peer until the deadline.
    if (this.#context.phase() === 'closing') this.#close(session);
  }

  onStream(stream: ServerHttp2Stream): void {
    const session = stream.session;
    if (!session) return;
    this.add(session);
    const state = this.#sessions.get(session);
    if (!state) return;
    const shuttingDown = countRequest(this.#context);
    state.streams.add(stream);
    stream.once('close', () => {
      state.streams.delete(stream);
      this.#context.changed();
    });
    if (shuttingDown) this.#goaway(session, state);
  }

  beginDrain(): void {
    for (const [session, state] of this.#sessions) {
      if (state.streams.size > 0) this.#goaway(session, state);
    }
  }

  /** Closing: every session gets its final GOAWAY and ends once its streams have finished. */
  beginClosing(): void {
    for (const session of this.#sessions.keys()) this.#close(session);
  }

  #close(session: Http2Session): void {
    const state = this.#sessions.get(session);
    if (state) this.#goaway(session, state);
    if (!session.closed && !session.destroyed) session.close();
  }

  get inFlight(): number {
    let count = 0;
    for (const state of this.#sessions.values()) count += state.streams.size;
    return count;
  }

  /**
   * Forced: streams whose response the app has not ended are reset (RST_STREAM CANCEL) and counted
   * as cut. A session whose other responses are ended is destroyed once they have flushed and
   * closed (at most FLUSH_MS), so that a response the app had finished reaches the client; a stream
   * still open when its session is destroyed counts as cut too. Resolves with that second count
   * once every session is destroyed.
   */
  destroyAll(): { cut: number; flushed: Promise<number> } {
    let cut = 0;
    const flushing: Promise<number>[] = [];
    for (const [session, state] of this.#sessions) {
      for (const stream of state.streams) {
        if (stream.writableEnded) continue;
        cut++;
        stream.close(constants.NGHTTP2_CANCEL);
      }
      const ending = [...state.streams].filter((s) => s.writableEnded && !s.closed);
      if (ending.length === 0) {
        session.destroy();
        continue;
      }
      flushing.push(
        new Promise<number>((resolve) => {
          const cancel = this.#context.clock.setTimer(done, FLUSH_MS);
          let left = ending.length;
          function done() {
            cancel();
            const open = ending.filter((s) => !s.closed).length;
            session.destroy();
            resolve(open);
          }
          for (const stream of ending) {
            stream.once('close', () => {
              if (--left === 0) done();
            });
          }
        }),
      );
    }
    return {
      cut,
      flushed: Promise.all(flushing).then((open) => open.reduce((a, b) => a + b, 0)),
    };
  }

  /** TCP or TLS sockets of sessions still flushing after destroyAll: not to be destroyed under them. */
  ownsSocket(socket: object): boolean {
    for (const session of this.#sessions.keys()) {
      if (session.destroyed) continue;
      const own = session.socket as (object & { _parent?: object }) | undefined;
      if (own === socket || own?._parent === socket) return true;
    }
    return false;
  }

  #goaway(session: Http2Session, state: SessionState): void {
    if (state.goaway || session.closed || session.destroyed) return;
    state.goaway = true;
    this.#context.counters.goawaysSent++;
    try {
      session.goaway(constants.NGHTTP2_NO_ERROR, MAX_STREAM_ID);
    } catch {
      // The session went away in the meantime: nothing to tell it.
    }
  }
}
