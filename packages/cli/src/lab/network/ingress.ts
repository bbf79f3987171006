import { Agent, createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { EndpointView } from '../control-plane/endpoints.js';
import { listenOn } from './listen.js';

export interface IngressOptions {
  readonly host: string;
  readonly port: number;
  /** The ingress's own view of the endpoints (it routes to pod addresses, like ingress-nginx). */
  readonly view: EndpointView;
}

/** nginx's default `proxy_read_timeout`, lab-sized below the load's 5 s request timeout. */
const UPSTREAM_TIMEOUT_MS = 4_000;

/**
 * The built-in ingress, for machines without nginx or haproxy: an HTTP reverse proxy that balances
 * every request round-robin over the pods its view lists as usable, through one keep-alive
 * connection pool per pod (nginx's `upstream … keepalive`). It answers 502 when the upstream
 * connection fails or is reset, 504 when the pod does not answer within 4 s, 503 without endpoints,
 * and never retries.
 */
export class Ingress {
  readonly #o: IngressOptions;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #agents = new Map<string, Agent>();
  #turn = 0;

  private constructor(options: IngressOptions) {
    this.#o = options;
    this.#server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      const endpoints = this.#o.view.usable();
      const endpoint = endpoints[this.#turn++ % Math.max(1, endpoints.length)];
      if (!endpoint) {
        res.writeHead(503, { 'Content-Type': 'text/plain' }).end('no endpoints\n');
        return;
      }
      const key = `${endpoint.host}:${endpoint.port}`;
      let agent = this.#agents.get(key);
      if (!agent) {
        agent = new Agent({ keepAlive: true, maxFreeSockets: 32 });
        this.#agents.set(key, agent);
      }
      const upstream = request(
        {
          host: endpoint.host,
          port: endpoint.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, connection: 'keep-alive' },
          agent,
          timeout: UPSTREAM_TIMEOUT_MS,
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
      let timedOut = false;
      upstream.once('timeout', () => {
        timedOut = true;
        upstream.destroy(new Error('upstream timed out'));
      });
      upstream.once('error', () => {
        if (res.headersSent) res.destroy();
        else if (timedOut)
          res.writeHead(504, { 'Content-Type': 'text/plain' }).end('gateway timeout\n');
        else res.writeHead(502, { 'Content-Type': 'text/plain' }).end('bad gateway\n');
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
    await listenOn(ingress.#server, options.port, options.host);
    return ingress;
  }

  get url(): string {
    return `http://${this.#o.host}:${this.#o.port}/`;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    for (const agent of this.#agents.values()) agent.destroy();
    await closed;
  }
}
