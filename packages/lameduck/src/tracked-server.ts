import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2Session, ServerHttp2Stream } from 'node:http2';
import { Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { Http1Connections } from './http1.js';
import { Http2Sessions } from './http2.js';
import type { TrackerContext } from './tracker-context.js';

/** What kind of server this is, as far as draining is concerned. */
export type ServerKind = 'http' | 'https' | 'http2' | 'http2-secure';

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

/**
 * One registered server. It observes the server by wrapping the instance's `emit`, so it sees each
 * connection, request, upgrade, session and stream before any listener does, without adding
 * listeners (an extra 'upgrade' listener would change how Node handles upgrades, and a 'request'
 * listener switches an HTTP/2 server into its compatibility mode).
 */
export class TrackedServer {
  readonly server: NetServer;
  readonly name: string;
  readonly kind: ServerKind;
  readonly #context: TrackerContext;
  readonly #http1: Http1Connections;
  readonly #http2: Http2Sessions;
  /** Every open connection, as the TCP socket the listener accepted. */
  readonly #sockets = new Set<Socket>();
  /**
   * Open connections the shutdown need not wait for: idle ones lameduck ended with a FIN. A subset
   * of #sockets, kept in step with it by the one 'close' listener below, so that the number of
   * connections still pending can never be read half-updated.
   */
  readonly #released = new Set<Socket>();
  /** TLS servers: raw sockets whose handshake completed (the rest are handshaking, or stalled). */
  readonly #secured = new WeakSet<Socket>();
  /** TLS servers: the TCP socket under each TLS socket. */
  readonly #rawOf = new WeakMap<Duplex, Socket>();
  readonly #originalEmit: Emit;
  readonly #hadOwnEmit: boolean;
  #listenedOnce: boolean;

  constructor(server: NetServer, name: string, kind: ServerKind, context: TrackerContext) {
    this.server = server;
    this.name = name;
    this.kind = kind;
    this.#context = context;
    this.#http1 = new Http1Connections(context, {
      released: (socket) => {
        const raw = this.#rawOf.get(socket) ?? (socket as Socket);
        if (this.#sockets.has(raw)) this.#released.add(raw);
      },
    });
    this.#http2 = new Http2Sessions(context);
    this.#hadOwnEmit = Object.hasOwn(server, 'emit');
    this.#originalEmit = server.emit as Emit;
    this.#listenedOnce = server.listening;
    server.once('listening', () => {
      this.#listenedOnce = true;
    });
    const original = this.#originalEmit;
    const observe = (event: string | symbol, a: unknown, b: unknown) => this.#observe(event, a, b);
    server.emit = function emitObserved(
      this: NetServer,
      event: string | symbol,
      a?: unknown,
      b?: unknown,
    ) {
      if (observe(event, a, b)) return true;
      // Passing `arguments` through keeps this per-event wrapper free of allocations.
      // biome-ignore lint/complexity/noArguments: forwards every argument unchanged, at no cost
      return Reflect.apply(original, this, arguments) as boolean;
    } as NetServer['emit'];
  }

  get listening(): boolean {
    return this.server.listening;
  }

  /** It has listened at some point (it may have closed since: a port probe, a restart). */
  get listenedOnce(): boolean {
    return this.#listenedOnce || this.server.listening;
  }

  /**
   * Registered while already listening: takes over the HTTP/1 connections Node already tracks (its
   * own connection list, the one closeIdleConnections() reads). HTTP/2 sessions opened before are
   * not visible; their number is logged.
   */
  adoptOpenConnections(): void {
    const key = Object.getOwnPropertySymbols(this.server).find(
      (s) => s.description === 'http.server.connections',
    );
    const list =
      key && (this.server as unknown as Record<symbol, { all?(): { socket?: Socket }[] }>)[key];
    let adopted = 0;
    for (const { socket } of list?.all?.() ?? []) {
      if (!socket || socket.destroyed) continue;
      const raw = (socket as Socket & { _parent?: Socket })._parent ?? socket;
      if (this.#sockets.has(raw)) continue;
      this.#trackSocket(raw);
      if (raw !== socket) {
        this.#secured.add(raw);
        this.#rawOf.set(socket, raw);
      }
      this.#http1.add(socket);
      adopted++;
    }
    this.server.getConnections((error, count) => {
      if (error || count <= adopted) return;
      this.#context.log.warn(
        { event: 'registered-late', server: this.name, unseen: count - adopted },
        `${this.name} was registered after it accepted connections; ${count - adopted} of them (HTTP/2 sessions, or handshakes in progress) are not drained by lameduck: register before listen()`,
      );
    });
  }

  get openConnections(): number {
    return this.#sockets.size;
  }

  /** Connections the shutdown still waits for: open ones, less idle ones already sent a FIN. */
  get pendingConnections(): number {
    return this.#sockets.size - this.#released.size;
  }

  get inFlight(): number {
    return this.#http1.inFlight + this.#http2.inFlight;
  }

  beginDrain(): void {
    this.#http1.beginDrain();
    this.#http2.beginDrain();
  }

  /** Stops listening: new connections are refused by the kernel. */
  stopListening(): void {
    if (this.server.listening) {
      // net.Server's own close: http.Server#close would also destroy idle sockets (RST risk), and
      // lameduck ends them itself, with a FIN, once they are idle.
      NetServer.prototype.close.call(this.server);
    }
  }

  /** Stops listening and ends idle connections; busy ones end when done. */
  beginClosing(): void {
    this.stopListening();
    this.#http1.beginClosing();
    this.#http2.beginClosing();
    if (this.#tls) for (const socket of this.#sockets) this.#closeIfNeverSecured(socket);
  }

  /**
   * Destroys everything still open; returns how many requests/streams/upgrades were cut, and a
   * promise of how many more were (HTTP/2 streams that could not flush before their session went).
   */
  destroyAll(): { requests: number; connections: number; flushed: Promise<number> } {
    const connections = this.pendingConnections;
    const http2 = this.#http2.destroyAll();
    const requests = this.#http1.destroyAll() + http2.cut;
    for (const socket of this.#sockets) {
      if (!this.#http2.ownsSocket(socket)) socket.destroy();
    }
    return { requests, connections, flushed: http2.flushed };
  }

  /** Restores the server's own emit. */
  untrack(): void {
    if (this.#hadOwnEmit) this.server.emit = this.#originalEmit as NetServer['emit'];
    else delete (this.server as { emit?: unknown }).emit;
  }

  /** Returns true when the event was fully handled here (a probe) and must not reach the app. */
  #observe(event: string | symbol, a: unknown, b: unknown): boolean {
    switch (event) {
      case 'request': {
        const request = a as IncomingMessage;
        if (request.httpVersionMajor < 2 && this.#http1.onRequest(request, b as ServerResponse)) {
          return true;
        }
        return this.#context.probe?.(request, b as ServerResponse) ?? false;
      }
      case 'connection':
        this.#onConnection(a as Socket);
        return false;
      case 'secureConnection': {
        const socket = a as TLSSocket;
        // Node's TLSSocket keeps the TCP socket it wraps as `_parent`.
        const raw = (socket as TLSSocket & { _parent?: Socket })._parent;
        if (raw) {
          this.#secured.add(raw);
          this.#rawOf.set(socket, raw);
        }
        if (socket.alpnProtocol !== 'h2') this.#http1.add(socket);
        return false;
      }
      case 'upgrade':
        this.#http1.onUpgrade(a as IncomingMessage, b as Duplex);
        return false;
      case 'session':
        this.#http2.add(a as Http2Session);
        return false;
      case 'stream':
        this.#http2.onStream(a as ServerHttp2Stream);
        return false;
      default:
        return false;
    }
  }

  #trackSocket(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => {
      this.#sockets.delete(socket);
      this.#released.delete(socket);
      this.#context.changed();
    });
  }

  #onConnection(socket: Socket): void {
    this.#trackSocket(socket);
    // Plain HTTP/1: the raw socket is the HTTP connection. TLS servers hand theirs over on
    // 'secureConnection'; HTTP/2 connections are tracked as sessions.
    if (this.kind === 'http') this.#http1.add(socket);
    else if (this.#tls && this.#context.phase() === 'closing') this.#closeIfNeverSecured(socket);
  }

  get #tls(): boolean {
    return this.kind === 'https' || this.kind === 'http2-secure';
  }

  /**
   * A TLS connection still without a completed handshake when closing begins (a TCP health check,
   * a stalled client) gets `firstRequestGrace` to finish it, like a plain connection without a
   * request; then it is closed, so that it cannot hold the shutdown until the deadline.
   */
  #closeIfNeverSecured(socket: Socket): void {
    if (this.#secured.has(socket)) return;
    this.#context.clock.setTimer(() => {
      if (this.#secured.has(socket) || socket.destroyed) return;
      socket.destroy();
      this.#context.counters.connectionsEndedIdle++;
    }, this.#context.firstRequestGrace);
  }
}
