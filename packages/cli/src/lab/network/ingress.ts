import { Agent, createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Endpoint, EndpointView } from '../control-plane/endpoints.js';

export interface IngressOptions {
  readonly host: string;
  readonly port: number;
  /** The ingress's own view of the endpoints (it routes to pod addresses, like ingress-nginx). */
  readonly view: EndpointView;
}

/** The upstream a client connection is pinned to: one pod, one keep-alive connection. */
interface Binding {
  readonly endpoint: Endpoint;
  readonly agent: Agent;
}

/**
 * The built-in ingress / cloud load balancer: an HTTP reverse proxy that pins each client connection
 * to one upstream keep-alive connection, chosen round-robin from its endpoint view when the client
 * connection sends its first request (or after the upstream connection closed). Existing long
 * connections therefore keep sending to a pod after it started terminating, until the pod closes the
 * upstream connection — the cloud-LB situation. It answers 502 when the upstream fails or resets, 503
 * when it knows no endpoint, and never retries (a cloud LB does not; nginx's proxy_next_upstream would,
 * for GETs).
 */
export class Ingress {
  readonly #o: IngressOptions;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #bindings = new WeakMap<Socket, Binding>();
  readonly #agents = new Set<Agent>();
  readonly #watched = new WeakSet<Socket>();
  #turn = 0;

  private constructor(options: IngressOptions) {
    this.#o = options;
    this.#server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      const binding = this.#bind(req.socket);
      if (!binding) {
        res.writeHead(503, { 'Content-Type': 'text/plain' }).end('no endpoints\n');
        return;
      }
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
          upstreamRes.once('error', () => res.destroy());
        },
      );
      upstream.once('socket', (socket: Socket) => {
        if (this.#watched.has(socket)) return;
        this.#watched.add(socket);
        socket.once('close', () => {
          if (this.#bindings.get(req.socket) === binding) this.#unbind(req.socket);
        });
      });
      upstream.once('error', () => {
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
  }

  #bind(client: Socket): Binding | undefined {
    const existing = this.#bindings.get(client);
    if (existing) return existing;
    const endpoints = this.#o.view.usable();
    const endpoint = endpoints[this.#turn++ % Math.max(1, endpoints.length)];
    if (!endpoint) return undefined;
    const agent = new Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });
    this.#agents.add(agent);
    const binding = { endpoint, agent };
    this.#bindings.set(client, binding);
    return binding;
  }

  #unbind(client: Socket): void {
    const binding = this.#bindings.get(client);
    if (!binding) return;
    this.#bindings.delete(client);
    binding.agent.destroy();
    this.#agents.delete(binding.agent);
  }

  static async listen(options: IngressOptions): Promise<Ingress> {
    const ingress = new Ingress(options);
    await new Promise<void>((resolve, reject) => {
      ingress.#server.once('error', reject);
      ingress.#server.listen(options.port, options.host, () => {
        ingress.#server.off('error', reject);
        resolve();
      });
    });
    return ingress;
  }

  get url(): string {
    const address = this.#server.address();
    const port = typeof address === 'object' && address ? address.port : this.#o.port;
    return `http://${this.#o.host}:${port}/`;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    for (const agent of this.#agents) agent.destroy();
    await closed;
  }
}
