import { connect } from 'node:net';
import { join } from 'node:path';
import type { Clock } from '../../core/clock.js';
import type { EndpointView } from '../control-plane/endpoints.js';
import { LabError } from '../errors.js';
import { FrontServer } from './front-server.js';
import { ServerProcess } from './server-process.js';

export interface HaproxyOptions {
  readonly host: string;
  /** HTTP/1.1 and HTTP/2 with prior knowledge (haproxy tells them apart by the preface). */
  readonly port: number;
  /** The ingress's own view of the endpoints: it routes to pod addresses. */
  readonly view: EndpointView;
  readonly pidNamespace: boolean;
  readonly env: Readonly<Record<string, string>>;
  readonly clock: Clock;
}

/** Server slots of the backend; the HAProxy Kubernetes Ingress Controller pre-allocates them too. */
const SLOTS = 32;

/**
 * Real haproxy as its Kubernetes ingress controller runs it: a backend of pre-allocated server slots
 * (`server-template`), filled and emptied through the runtime API over a Unix socket (`set server
 * … addr … port …`, `state ready` / `state maint`) after the ingress's own propagation delay, with
 * no reload. Server connections are kept alive and reused (`http-reuse safe`); a failed connection
 * attempt is retried (`retries 3`, `option redispatch`). Failures are haproxy's: 503 when no server
 * is usable or every retry failed, 502 when a server resets or closes a connection with a request
 * on it, 504 after the lab-sized `timeout server` of 4 s.
 */
export class Haproxy extends FrontServer {
  readonly #o: HaproxyOptions;
  /** slot number → pod name */
  readonly #slots = new Map<number, string>();

  private constructor(options: HaproxyOptions, server: ServerProcess) {
    super(server, options.host, options.port);
    this.#o = options;
  }

  static async start(options: HaproxyOptions): Promise<Haproxy> {
    const server = await ServerProcess.start({
      name: 'haproxy',
      host: options.host,
      port: options.port,
      pidNamespace: options.pidNamespace,
      env: options.env,
      clock: options.clock,
      files: (dir) => ({ 'haproxy.cfg': config(dir, options) }),
      command: (dir) => ['haproxy', '-db', '-f', join(dir, 'haproxy.cfg')],
    });
    const haproxy = new Haproxy(options, server);
    await haproxy.#apply();
    haproxy.follow(options.view, () => haproxy.#apply());
    return haproxy;
  }

  /** What the view lists as usable goes into slots (ready); the rest of the slots into maintenance. */
  async #apply(): Promise<void> {
    const usable = this.#o.view.usable();
    const wanted = new Set(usable.map((e) => e.pod));
    const commands: string[] = [];
    for (const [slot, pod] of this.#slots) {
      if (wanted.has(pod)) continue;
      this.#slots.delete(slot);
      commands.push(`set server pods/pod${slot} state maint`);
    }
    const placed = new Set(this.#slots.values());
    for (const endpoint of usable) {
      if (placed.has(endpoint.pod)) continue;
      let slot = 1;
      while (this.#slots.has(slot)) slot++;
      if (slot > SLOTS) break;
      this.#slots.set(slot, endpoint.pod);
      commands.push(
        `set server pods/pod${slot} addr ${endpoint.host} port ${endpoint.port}`,
        `set server pods/pod${slot} state ready`,
      );
    }
    if (commands.length) await this.#runtime(commands.join(';'));
  }

  /** Sends commands to the runtime API (one connection, `;`-separated, as `socat` would). */
  #runtime(commands: string): Promise<string> {
    const path = join(this.server.dir, 'admin.sock');
    return new Promise((resolve, reject) => {
      const socket = connect({ path });
      let out = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        out += chunk;
      });
      socket.once('error', (error) =>
        reject(
          new LabError('ERR_LAMEDUCK_LAB_INGRESS', `haproxy runtime API: ${error.message}`, 1),
        ),
      );
      socket.once('close', () => resolve(out));
      socket.end(`${commands}\n`);
    });
  }
}

function config(dir: string, o: HaproxyOptions): string {
  return `# Written by lameduck lab; removed when the lab ends.
global
  stats socket ${join(dir, 'admin.sock')} level admin
  maxconn 4000
defaults
  mode http
  option http-keep-alive
  http-reuse safe
  retries 3
  option redispatch
  timeout connect 1s
  timeout client 60s
  timeout http-keep-alive 60s
  timeout server 4s
frontend ingress
  bind ${o.host}:${o.port}
  default_backend pods
backend pods
  balance roundrobin
  server-template pod 1-${SLOTS} 127.0.0.1:1 disabled
`;
}
