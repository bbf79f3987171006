import { Agent, createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Clock } from '../../core/clock.js';
import type { Endpoint } from '../control-plane/endpoints.js';
import { listenOn } from './listen.js';

/** What the load balancer reads of its view: the usable backends, and when they change. */
export interface BackendView {
  usable(): readonly Endpoint[];
  onChange(listener: () => void): void;
}

export interface CloudLbOptions {
  readonly host: string;
  readonly port: number;
  /** The load balancer's own view of its backends (it targets pod addresses: target-type ip). */
  readonly view: BackendView;
  /**
   * Connection draining (deregistration delay) in ms, or undefined when it is off: how long a
   * removed backend keeps the client connections pinned to it.
   */
  readonly drainMs: number | undefined;
  readonly clock: Clock;
}

/** The backend a client connection is pinned to: one pod, one keep-alive connection. */
interface Binding {
  readonly endpoint: Endpoint;
  readonly agent: Agent;
  /** Requests of this client connection in flight on the backend. */
  inflight: number;
  /** The backend was removed and its drain is over (or off): the next request picks another. */
  released: boolean;
  cancelDrain: (() => void) | undefined;
}

/**
 * A cloud load balancer in front of the pods (SLB/CLB, NLB/ALB with target-type ip, GCP with NEGs):
 * every client connection is pinned to one backend, and the backend connection is kept alive across
 * requests. When the load balancer's view removes a backend (after its own propagation delay):
 *
 * - draining off: the connections pinned to it are dropped at once; requests in flight on them get
 *   a 502 and the next request of the client connection goes to another backend. This is why a
 *   long preStop alone does not help behind such a load balancer (shared/seeds 002).
 * - draining on (`drainMs`): pinned connections keep going to the removed backend for the drain
 *   timeout; then each client connection moves to another backend at its next request, and the old
 *   backend connection is closed once its response in flight is done.
 *
 * New client connections go round-robin to the backends the view lists as usable. It answers 503
 * without backends and never retries.
 */
export class CloudLb {
  readonly #o: CloudLbOptions;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #bindings = new Map<Socket, Binding>();
  /** Backend sockets whose close is already watched (a keep-alive socket serves many requests). */
  readonly #watched = new WeakSet<Socket>();
  #turn = 0;

  private constructor(options: CloudLbOptions) {
    this.#o = options;
    this.#server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      const binding = this.#bind(req.socket);
      if (!binding) {
        res.writeHead(503, { 'Content-Type': 'text/plain' }).end('no healthy backend\n');
        return;
      }
      binding.inflight++;
      let finished = false;
      const done = () => {
        if (finished) return;
        finished = true;
        binding.inflight--;
        if (binding.released && binding.inflight === 0) binding.agent.destroy();
      };
      const upstream = request(
        {
          host: binding.endpoint.host,
          port: binding.endpoint.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, connection: 'keep-alive' },
          agent: binding.agent,
        },
        (upstreamRes) => {
          const headers = { ...upstreamRes.headers };
          delete headers.connection;
          delete headers['keep-alive'];
          res.writeHead(upstreamRes.statusCode ?? 502, headers);
          upstreamRes.pipe(res);
          upstreamRes.once('end', done);
          upstreamRes.once('error', () => {
            done();
            res.destroy();
          });
        },
      );
      upstream.once('socket', (socket: Socket) => {
        if (this.#watched.has(socket)) return;
        this.#watched.add(socket);
        socket.once('close', () => {
          // The pod closed the backend connection: the client connection picks again next time.
          if (this.#bindings.get(req.socket) === binding) binding.released = true;
        });
      });
      upstream.once('error', () => {
        done();
        if (!res.headersSent)
          res.writeHead(502, { 'Content-Type': 'text/plain' }).end('bad gateway\n');
        else res.destroy();
      });
      req.pipe(upstream);
    });
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => {
        this.#sockets.delete(socket);
        this.#unbind(socket);
      });
    });
    options.view.onChange(() => this.#deregister());
  }

  #bind(client: Socket): Binding | undefined {
    const existing = this.#bindings.get(client);
    if (existing && !existing.released) return existing;
    if (existing) this.#unbind(client);
    const endpoints = this.#o.view.usable();
    const endpoint = endpoints[this.#turn++ % Math.max(1, endpoints.length)];
    if (!endpoint) return undefined;
    const binding: Binding = {
      endpoint,
      agent: new Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 }),
      inflight: 0,
      released: false,
      cancelDrain: undefined,
    };
    this.#bindings.set(client, binding);
    return binding;
  }

  #unbind(client: Socket): void {
    const binding = this.#bindings.get(client);
    if (!binding) return;
    this.#bindings.delete(client);
    binding.cancelDrain?.();
    binding.released = true;
    if (binding.inflight === 0) binding.agent.destroy();
  }

  /** The view changed: connections pinned to backends it no longer lists are drained or dropped. */
  #deregister(): void {
    const usable = new Set(this.#o.view.usable().map((e) => e.pod));
    for (const [client, binding] of this.#bindings) {
      if (usable.has(binding.endpoint.pod) || binding.released || binding.cancelDrain) continue;
      const { drainMs } = this.#o;
      if (drainMs === undefined) {
        // Draining off: the backend's connections are dropped, requests in flight on them fail.
        this.#bindings.delete(client);
        binding.released = true;
        binding.agent.destroy();
        continue;
      }
      binding.cancelDrain = this.#o.clock.setTimer(() => {
        binding.cancelDrain = undefined;
        if (this.#bindings.get(client) === binding) this.#unbind(client);
      }, drainMs);
    }
  }

  static async listen(options: CloudLbOptions): Promise<CloudLb> {
    const lb = new CloudLb(options);
    await listenOn(lb.#server, options.port, options.host);
    return lb;
  }

  get url(): string {
    return `http://${this.#o.host}:${this.#o.port}/`;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    for (const binding of this.#bindings.values()) {
      binding.cancelDrain?.();
      binding.agent.destroy();
    }
    this.#bindings.clear();
    await closed;
  }
}
