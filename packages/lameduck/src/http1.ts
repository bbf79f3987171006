import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { countRequest, type TrackerContext } from './tracker-context.js';

/** How long an idle connection that was sent a FIN may stay half-open before it is closed. */
export const FIN_LINGER_MS = 500;

interface Connection {
  readonly socket: Socket;
  /** Responses followed until they close, in the order the requests arrived (pipelining). */
  readonly responses: ServerResponse[];
  /** Requests received on this connection so far. */
  served: number;
  upgraded: IncomingMessage | undefined;
  /** lameduck is done with this connection (ended it, or it was already ending). */
  ended: boolean;
  /** Closing: a timer or a request body is being waited for before the connection is settled. */
  waiting: boolean;
}

/** What a connection holds when the shutdown looks at it. */
type Activity = 'busy' | 'receiving' | 'unused' | 'idle';

/** Node's HTTP parser, as far as lameduck reads it (the object Node's own closeIdleConnections uses). */
interface Parser {
  /** Milliseconds since the message being parsed began; 0 between messages. */
  duration?(): number;
  /** The request whose body is being received, once its headers are complete. */
  incoming?: IncomingMessage | null;
}

export interface Http1Hooks {
  /** The connection was ended with a FIN while idle: the shutdown need not wait for it to close. */
  released(socket: Duplex): void;
}

/**
 * HTTP/1.x connections of one server (plain, TLS, or HTTP/1 fallback of a secure HTTP/2 server).
 *
 * While draining, the last response of each connection whose headers are not written yet closes its
 * connection (`Connection: close`); with pipelined requests, only the last one, so that none queued
 * behind it is dropped. While closing, an idle connection gets a FIN at once, a busy one right after
 * its last response, one that is receiving a request once that request was answered, and one that
 * has sent nothing yet `firstRequestGrace` to send it. Upgraded connections are told to go away.
 *
 * A request that reaches a connection lameduck already ended (the client sent it as the FIN was on
 * its way: the keep-alive race) cannot be answered: it is kept from the app, its connection is
 * reset, and it is counted as cut, because the client saw it fail.
 */
export class Http1Connections {
  readonly #context: TrackerContext;
  readonly #hooks: Http1Hooks;
  readonly #connections = new Map<Duplex, Connection>();
  /** Responses lameduck set to close their connection (to undo when a pipelined request follows). */
  readonly #marked = new WeakSet<ServerResponse>();
  /** Connections ended with a FIN, waiting for the linger timer (see #linger). */
  readonly #lingering = new Map<Socket, number>();
  #lingerTimer = false;

  constructor(context: TrackerContext, hooks: Http1Hooks) {
    this.#context = context;
    this.#hooks = hooks;
  }

  add(socket: Socket): void {
    if (this.#connections.has(socket)) return;
    const connection: Connection = {
      socket,
      responses: [],
      served: 0,
      upgraded: undefined,
      ended: false,
      waiting: false,
    };
    this.#connections.set(socket, connection);
    socket.once('close', () => {
      this.#connections.delete(socket);
      this.#lingering.delete(socket);
    });
    if (this.#context.phase() === 'closing') this.#settle(connection);
  }

  /** Returns true when the request must not reach the app (it cannot be answered any more). */
  onRequest(request: IncomingMessage, response: ServerResponse): boolean {
    const socket = request.socket;
    let connection = this.#connections.get(socket);
    if (!connection) {
      this.add(socket);
      connection = this.#connections.get(socket);
      if (!connection) return false;
    }
    connection.served++;
    // Pipelined: Node queues this response behind the one being written. Rare, so followed always.
    const pipelined = currentResponse(socket) !== response;
    // While serving, counting is all: the hot path stays as cheap as a bare server's. The drain
    // finds the responses in flight when it starts (see beginDrain).
    if (!countRequest(this.#context)) {
      if (pipelined) this.#track(connection, response);
      return false;
    }
    if (connection.ended || this.#closeCommitted(connection, socket)) {
      this.#raced(connection);
      return true;
    }
    if (pipelined) {
      // Only the last response of a pipeline may close the connection.
      for (const earlier of connection.responses) this.#unmark(earlier);
      const current = currentResponse(socket);
      if (current) this.#unmark(current);
    }
    this.#markClose(response);
    this.#track(connection, response);
    return false;
  }

  onUpgrade(request: IncomingMessage, socket: Duplex): void {
    this.add(socket as Socket);
    const connection = this.#connections.get(socket);
    if (!connection) return;
    connection.upgraded = request;
    countRequest(this.#context);
    // Arrived while closing: told to go away once the app's own 'upgrade' handler, which runs after
    // this, has answered the upgrade — a close frame ahead of the 101 would garble both.
    if (this.#context.phase() === 'closing') setImmediate(() => this.#closeUpgraded(connection));
  }

  /** Draining: the last response of each connection, if its headers are unsent, closes it. */
  beginDrain(): void {
    for (const connection of this.#connections.values()) {
      const current = currentResponse(connection.socket);
      if (current && !connection.responses.includes(current)) {
        connection.responses.unshift(current);
        this.#followClose(connection, current);
      }
      const last = connection.responses.at(-1);
      if (last) this.#markClose(last);
    }
  }

  /** Closing: end idle connections, tell upgraded ones to go away; the others end when done. */
  beginClosing(): void {
    for (const connection of this.#connections.values()) {
      if (connection.upgraded) this.#closeUpgraded(connection);
      else this.#settle(connection);
    }
  }

  get inFlight(): number {
    let count = 0;
    for (const connection of this.#connections.values()) {
      const current = currentResponse(connection.socket) ? 1 : 0;
      count += Math.max(connection.responses.length, current) + (connection.upgraded ? 1 : 0);
    }
    return count;
  }

  /**
   * Destroys every connection; returns how many requests were cut: responses not finished, upgraded
   * sockets, and requests whose bytes had started to arrive.
   */
  destroyAll(): number {
    let cut = 0;
    for (const connection of this.#connections.values()) {
      // A response counts as cut unless all of it was handed to the kernel ('finish').
      const current = currentResponse(connection.socket);
      const all =
        current && !connection.responses.includes(current)
          ? [current, ...connection.responses]
          : connection.responses;
      const responses = all.filter((r) => !r.writableFinished).length;
      if (connection.upgraded)
        cut += connection.ended ? 0 : 1; // not yet told to go away
      else if (responses > 0) cut += responses;
      else if (!connection.ended && activity(connection) === 'receiving') cut++;
      connection.socket.destroy();
    }
    return cut;
  }

  /** Follows a response until it closes; then, while closing, settles its connection. */
  #track(connection: Connection, response: ServerResponse): void {
    if (connection.responses.includes(response)) return;
    connection.responses.push(response);
    this.#followClose(connection, response);
  }

  #followClose(connection: Connection, response: ServerResponse): void {
    response.once('close', () => {
      const i = connection.responses.indexOf(response);
      if (i !== -1) connection.responses.splice(i, 1);
      if (this.#context.phase() === 'closing') this.#settle(connection);
      this.#context.changed();
    });
  }

  /** Closing: decides what the connection waits for, and ends it once it has nothing left. */
  #settle(connection: Connection): void {
    if (connection.ended || connection.upgraded || connection.waiting) return;
    switch (activity(connection)) {
      case 'busy':
        return; // its responses' close events settle it again
      case 'receiving': {
        // Headers still arriving: the request event will track it. Body still arriving after the
        // response was sent: wait for the body, then end.
        const incoming = parserOf(connection.socket)?.incoming;
        if (incoming && !incoming.complete) {
          connection.waiting = true;
          const again = () => {
            connection.waiting = false;
            this.#settle(connection);
            this.#context.changed();
          };
          incoming.once('end', again);
          incoming.once('close', again);
        }
        return;
      }
      case 'unused':
        connection.waiting = true;
        this.#context.clock.setTimer(() => {
          connection.waiting = false;
          this.#settle(connection);
        }, this.#context.firstRequestGrace);
        return;
      case 'idle':
        break;
    }
    this.#endIdle(connection);
  }

  #endIdle(connection: Connection): void {
    const { socket } = connection;
    connection.ended = true;
    if (socket.destroyed || socket.writableEnded) return;
    socket.end();
    this.#context.counters.connectionsEndedIdle++;
    this.#hooks.released(socket);
    this.#linger(socket);
  }

  /**
   * The peer normally closes its side at once; one that keeps the connection half-open must not
   * hold the process. After a short linger (what Go's server calls its rst-avoidance delay) the
   * socket is closed — by then no request is on it. One timer for every connection ended within
   * the same linger period, not one each: closing 10,000 idle connections stays cheap.
   */
  #linger(socket: Socket): void {
    this.#lingering.set(socket, this.#context.clock.now());
    if (!this.#lingerTimer) this.#armLinger(FIN_LINGER_MS);
  }

  #armLinger(ms: number): void {
    this.#lingerTimer = true;
    this.#context.clock.setTimer(() => {
      this.#lingerTimer = false;
      const now = this.#context.clock.now();
      let next = Number.POSITIVE_INFINITY;
      for (const [socket, endedAt] of this.#lingering) {
        const left = endedAt + FIN_LINGER_MS - now;
        if (left > 0) {
          next = Math.min(next, left);
          continue;
        }
        this.#lingering.delete(socket);
        if (!socket.destroyed) socket.destroy();
      }
      if (next !== Number.POSITIVE_INFINITY) this.#armLinger(next);
    }, ms);
  }

  /** A request that can no longer be answered on this connection: counted as cut, connection reset. */
  #raced(connection: Connection): void {
    this.#context.counters.requestsRaced++;
    this.#context.counters.requestsCut++;
    this.#context.log.warn(
      { event: 'request-raced' },
      'a request arrived on a connection lameduck had already closed (the client sent it as the close was on its way): it could not be answered; if this happens in production, the drain delay is shorter than the time your load balancers take to stop sending',
    );
    connection.ended = true;
    connection.socket.destroy();
  }

  /** True when Node will close the connection after a response whose headers are already out. */
  #closeCommitted(connection: Connection, socket: Socket): boolean {
    const current = currentResponse(socket);
    const earlier = current ? [current, ...connection.responses] : connection.responses;
    return earlier.some((r) => r.headersSent && !r.shouldKeepAlive && !r.writableFinished);
  }

  #markClose(response: ServerResponse): void {
    if (response.headersSent || !response.shouldKeepAlive) return;
    response.shouldKeepAlive = false;
    this.#marked.add(response);
  }

  #unmark(response: ServerResponse): void {
    if (!this.#marked.has(response) || response.headersSent) return;
    response.shouldKeepAlive = true;
    this.#marked.delete(response);
  }

  #closeUpgraded(connection: Connection): void {
    const request = connection.upgraded;
    if (!request || connection.ended) return;
    connection.ended = true;
    this.#context.counters.upgradedClosed++;
    try {
      const result = this.#context.closeUpgraded(connection.socket, request);
      if (result instanceof Promise)
        result.catch((error: unknown) => this.#reportCloseError(error));
    } catch (error) {
      this.#reportCloseError(error);
    }
  }

  #reportCloseError(error: unknown): void {
    this.#context.log.error({ event: 'close-upgraded-failed', err: error }, 'closeUpgraded threw');
  }
}

/** What the connection is doing, read from the socket and Node's parser. */
function activity(connection: Connection): Activity {
  const { socket } = connection;
  if (connection.responses.length > 0 || currentResponse(socket)) return 'busy';
  const parser = parserOf(socket);
  // Node starts the clock of a message when its first byte arrives, and of a new connection's first
  // message when the connection is accepted; it stops it when the message is complete.
  if ((parser?.duration?.() ?? 0) > 0) return socket.bytesRead > 0 ? 'receiving' : 'unused';
  if (connection.served === 0) return !parser && socket.bytesRead > 0 ? 'receiving' : 'unused';
  return 'idle';
}

function parserOf(socket: Socket): Parser | undefined {
  return (socket as Socket & { parser?: Parser | null }).parser ?? undefined;
}

/**
 * The response a connection is writing now: Node keeps it on the socket as `_httpMessage` from the
 * moment the request is parsed until the response is done (the same field its own
 * closeIdleConnections() reads). Pipelined requests queued behind it are followed by onRequest.
 */
function currentResponse(socket: Socket): ServerResponse | undefined {
  const message = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  return message ?? undefined;
}
