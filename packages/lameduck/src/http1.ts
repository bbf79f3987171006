import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { countRequest, type TrackerContext } from './tracker-context.js';

/** How long an idle connection that was sent a FIN may stay half-open before it is closed. */
export const FIN_LINGER_MS = 500;

interface Connection {
  readonly socket: Socket;
  /** Responses not finished yet. */
  readonly responses: Set<ServerResponse>;
  /** Requests received on this connection so far. */
  served: number;
  upgraded: IncomingMessage | undefined;
  /** lameduck is done with this connection (ended it, or it was already ending). */
  ended: boolean;
  /** lameduck sent the FIN itself, on an idle connection. */
  finSent: boolean;
}

/**
 * HTTP/1.x connections of one server (plain, TLS, or HTTP/1 fallback of a secure HTTP/2 server).
 * While draining, every response whose headers are not written yet closes its connection. While
 * closing, idle connections get a FIN at once, busy ones right after their last response, and
 * upgraded ones are told to go away.
 */
export class Http1Connections {
  readonly #context: TrackerContext;
  readonly #connections = new Map<Duplex, Connection>();
  /** Connections lameduck ended with a FIN that have not closed yet: no work left on them. */
  #endedOpen = 0;

  constructor(context: TrackerContext) {
    this.#context = context;
  }

  add(socket: Socket): void {
    if (this.#connections.has(socket)) return;
    const connection: Connection = {
      socket,
      responses: new Set(),
      served: 0,
      upgraded: undefined,
      ended: false,
      finSent: false,
    };
    this.#connections.set(socket, connection);
    socket.once('close', () => {
      this.#connections.delete(socket);
      if (connection.finSent) this.#endedOpen--;
      this.#context.changed();
    });
    if (this.#context.phase() === 'closing') this.#endWhenUnused(connection);
  }

  onRequest(request: IncomingMessage, response: ServerResponse): void {
    const socket = request.socket;
    this.add(socket);
    const connection = this.#connections.get(socket);
    if (!connection) return;
    connection.served++;
    if (countRequest(this.#context).shuttingDown) closeAfterResponse(response);
    connection.responses.add(response);
    response.once('close', () => {
      connection.responses.delete(response);
      if (this.#context.phase() === 'closing') this.#endIfIdle(connection);
      this.#context.changed();
    });
  }

  onUpgrade(request: IncomingMessage, socket: Duplex): void {
    this.add(socket as Socket);
    const connection = this.#connections.get(socket);
    if (!connection) return;
    connection.upgraded = request;
    countRequest(this.#context);
    if (this.#context.phase() === 'closing') this.#closeUpgraded(connection);
  }

  /** Draining: responses still to write their headers will close their connection. */
  beginDrain(): void {
    for (const connection of this.#connections.values()) {
      for (const response of connection.responses) closeAfterResponse(response);
    }
  }

  /** Closing: end idle connections, tell upgraded ones to go away. Busy ones end after their response. */
  beginClosing(): void {
    for (const connection of this.#connections.values()) {
      if (connection.upgraded) this.#closeUpgraded(connection);
      else if (connection.served === 0) this.#endWhenUnused(connection);
      else this.#endIfIdle(connection);
    }
  }

  /**
   * Connections ended with a FIN and idle: the shutdown need not wait for the peer to close them
   * (nothing is in flight, nothing unread, so closing them cannot cause a reset).
   */
  get endedIdle(): number {
    return this.#endedOpen;
  }

  get inFlight(): number {
    let count = 0;
    for (const connection of this.#connections.values()) {
      count += connection.responses.size + (connection.upgraded ? 1 : 0);
    }
    return count;
  }

  /** Destroys every connection; returns how many requests and upgraded sockets were cut. */
  destroyAll(): number {
    let cut = 0;
    for (const connection of this.#connections.values()) {
      cut += connection.responses.size + (connection.upgraded ? 1 : 0);
      connection.socket.destroy();
    }
    return cut;
  }

  #endIfIdle(connection: Connection): void {
    if (connection.responses.size > 0 || connection.upgraded || connection.ended) return;
    const { socket } = connection;
    connection.ended = true;
    if (socket.destroyed || socket.writableEnded) return;
    socket.end();
    connection.finSent = true;
    this.#endedOpen++;
    this.#context.counters.connectionsEndedIdle++;
    // The peer normally closes its side at once; one that keeps the connection half-open must not
    // hold the shutdown until the deadline. After a short linger (what Go's server calls its
    // rst-avoidance delay) the socket is closed — by then no request is on it.
    const cancel = this.#context.clock.setTimer(() => {
      if (connection.responses.size === 0 && !socket.destroyed) socket.destroy();
    }, FIN_LINGER_MS);
    socket.once('close', cancel);
  }

  /** A connection with no request yet may still be sending its first one: give it a moment. */
  #endWhenUnused(connection: Connection): void {
    this.#context.clock.setTimer(() => {
      if (connection.served === 0) this.#endIfIdle(connection);
    }, this.#context.firstRequestGrace);
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

/** Makes the response carry `Connection: close` and close its connection, if its headers are unsent. */
function closeAfterResponse(response: ServerResponse): void {
  if (!response.headersSent) response.shouldKeepAlive = false;
}
