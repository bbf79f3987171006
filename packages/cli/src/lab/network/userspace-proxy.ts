import { connect, createServer, type Server, type Socket } from 'node:net';
import type { EndpointView } from '../control-plane/endpoints.js';
import { listenOn } from './listen.js';

export interface UserspaceProxyOptions {
  /** The Service address clients connect to. */
  readonly host: string;
  readonly port: number;
  /** One endpoint view per node; each new connection lands on the next node, like clients spread over nodes. */
  readonly nodes: readonly EndpointView[];
  /** Whether an address belongs to a pod that is gone (a stale route leads nowhere). */
  readonly gone?: (address: string) => boolean;
}

/**
 * The Service data path without root: a TCP proxy that balances each NEW connection over the current
 * endpoint view of the node it lands on, and never touches established connections (conntrack
 * semantics: a keep-alive connection keeps reaching its pod, even after the pod left the endpoints).
 *
 * Failures reach the client as close to what a client of kube-proxy sees as a proxy in user space
 * can make them. Where the kernel would refuse the connection (no endpoint, or the pod's port
 * closed), the client's connection has already been accepted here, so it is reset: "refused" shows
 * up as `reset` in this mode. A pod's FIN is passed on as a FIN; a pod's reset as a reset when the
 * client has sent something the proxy has not read, else as a close (`closed-before-response`). A
 * route to a pod that is gone leads nowhere, as in a cluster: the connection is held unanswered until
 * the client gives up (a timeout).
 */
export class UserspaceProxy {
  readonly #o: UserspaceProxyOptions;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #next = 0;
  readonly #rr = new Map<string, number>();

  private constructor(options: UserspaceProxyOptions, server: Server) {
    this.#o = options;
    this.#server = server;
  }

  static async listen(options: UserspaceProxyOptions): Promise<UserspaceProxy> {
    const server = createServer({ pauseOnConnect: true, noDelay: true });
    const proxy = new UserspaceProxy(options, server);
    server.on('connection', (socket) => proxy.#accept(socket));
    await listenOn(server, options.port, options.host);
    return proxy;
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === 'object' && address ? address.port : this.#o.port;
  }

  #accept(client: Socket): void {
    this.#track(client);
    const node = this.#o.nodes[this.#next++ % this.#o.nodes.length];
    const candidates = node?.usable() ?? [];
    if (candidates.length === 0) {
      abort(client);
      return;
    }
    const turn = this.#rr.get(node?.name ?? '') ?? 0;
    this.#rr.set(node?.name ?? '', turn + 1);
    const endpoint = candidates[turn % candidates.length];
    if (!endpoint) return;
    if (this.#o.gone?.(endpoint.host)) {
      // The packets go nowhere: nothing answers, nothing resets.
      client.on('error', () => {});
      client.resume();
      return;
    }
    const upstream = connect({ host: endpoint.host, port: endpoint.port, noDelay: true });
    this.#track(upstream);
    upstream.once('connect', () => {
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    // A failure on one side is passed on to the other as a reset; a FIN as a FIN.
    let failed = false;
    upstream.once('error', () => {
      failed = true;
      abort(client);
    });
    client.once('error', () => {
      failed = true;
      abort(upstream);
    });
    upstream.once('close', () => {
      if (!failed && !client.destroyed) client.end();
    });
    client.once('close', () => {
      if (!failed && !upstream.destroyed) upstream.end();
    });
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }
}

/** How long the proxy lets a client's bytes arrive before it closes the connection with a reset. */
const RESET_AFTER_MS = 20;

/**
 * Passes a failure on as a reset where it can. Node 20's `resetAndDestroy()` sends an RST, but
 * leaves the lab's process spinning at exit (seen in 3 of 4 runs), so the kernel's own rule is used:
 * closing a socket with unread data sends an RST. The proxy stops reading and closes a moment later,
 * when the client's request has arrived: a client that sent one (the refused case: nothing was read
 * from it yet) sees a reset; one that is waiting for its response with nothing more to send sees the
 * connection closed.
 */
function abort(socket: Socket): void {
  if (socket.destroyed) return;
  socket.on('error', () => {});
  if (socket.connecting || socket.pending) {
    socket.destroy();
    return;
  }
  socket.pause();
  setTimeout(() => socket.destroy(), RESET_AFTER_MS).unref();
}
