import { Agent, createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { EndpointView } from './endpoints.js';

export interface IngressOptions {
  readonly host: string;
  readonly port: number;
  /** The ingress's own view of the endpoints (it routes to pod addresses, like ingress-nginx). */
  readonly view: EndpointView;
  /** Idle upstream connections kept per pod (ingress-nginx upstream-keepalive-connections: 320). */
  readonly keepAlivePerUpstream?: number;
}

/**
 * The built-in ingress / load balancer: an HTTP reverse proxy that balances requests round-robin over
 * its endpoint view and reuses upstream connections from a keep-alive pool. A pooled connection to a
 * pod that has started terminating keeps being used until the pod closes it, which is the
 * cloud-LB situation: the proxy answers 502 when the upstream fails or resets, 503 when it knows no
 * endpoint, and never retries (a cloud LB does not; nginx's proxy_next_upstream would, for GETs).
 */
export class Ingress {
  readonly #o: IngressOptions;
  readonly #server: Server;
  readonly #agent: Agent;
  readonly #sockets = new Set<Socket>();
  #turn = 0;

  private constructor(options: IngressOptions) {
    this.#o = options;
    this.#agent = new Agent({
      keepAlive: true,
      maxSockets: Number.POSITIVE_INFINITY,
      maxFreeSockets: options.keepAlivePerUpstream ?? 320,
      scheduling: 'fifo',
    });
    this.#server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      const endpoints = this.#o.view.usable();
      const endpoint = endpoints[this.#turn++ % Math.max(1, endpoints.length)];
      if (!endpoint) {
        res.writeHead(503, { 'Content-Type': 'text/plain' }).end('no endpoints\n');
        return;
      }
      const upstream = request(
        {
          host: endpoint.host,
          port: endpoint.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, connection: 'keep-alive' },
          agent: this.#agent,
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
      upstream.once('error', () => {
        if (!res.headersSent)
          res.writeHead(502, { 'Content-Type': 'text/plain' }).end('bad gateway\n');
        else res.destroy();
      });
      req.pipe(upstream);
    });
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
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
    this.#agent.destroy();
    await closed;
  }
}
