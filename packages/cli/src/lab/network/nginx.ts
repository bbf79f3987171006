import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Clock } from '../../core/clock.js';
import type { Endpoint, EndpointView } from '../control-plane/endpoints.js';
import { ServerProcess } from './server-process.js';

export interface NginxOptions {
  readonly host: string;
  /** HTTP/1.1 port; HTTP/2 with prior knowledge (h2c) listens on port + 1 (nginx 1.22 cannot share one). */
  readonly port: number;
  /** The ingress's own view of the endpoints: it routes to pod addresses, as ingress-nginx does. */
  readonly view: EndpointView;
  readonly pidNamespace: boolean;
  readonly env: Readonly<Record<string, string>>;
  readonly clock: Clock;
}

const run = promisify(execFile);

/**
 * Real nginx as an ingress controller runs it: one upstream with every pod the view lists as
 * usable, upstream keep-alive (HTTP/1.1, `Connection ""`), ingress-nginx's defaults for retries
 * (`proxy_next_upstream error timeout`, 3 tries: only idempotent requests are retried) and 503 from
 * the default backend when there is no endpoint. Every endpoint change rewrites the configuration
 * and reloads nginx (SIGHUP to the master: new workers take new connections, old ones finish their
 * requests and close their keep-alive connections). Failures are nginx's: 502 when the upstream
 * refuses or resets, 504 when it does not answer within the lab-sized `proxy_read_timeout` of 4 s.
 */
export class Nginx {
  readonly #o: NginxOptions;
  readonly #server: ServerProcess;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(options: NginxOptions, server: ServerProcess) {
    this.#o = options;
    this.#server = server;
    options.view.onChange(() => {
      this.#queue = this.#queue.then(() => this.#reload()).catch(() => {});
    });
  }

  static async start(options: NginxOptions): Promise<Nginx> {
    const server = await ServerProcess.start({
      name: 'nginx',
      host: options.host,
      port: options.port,
      pidNamespace: options.pidNamespace,
      env: options.env,
      clock: options.clock,
      files: (dir) => ({ 'nginx.conf': config(dir, options, options.view.usable()) }),
      command: (dir) => ['nginx', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')],
    });
    return new Nginx(options, server);
  }

  get url(): string {
    return `http://${this.#o.host}:${this.#o.port}/`;
  }

  get http2Url(): string {
    return `http://${this.#o.host}:${this.#o.port + 1}/`;
  }

  async #reload(): Promise<void> {
    if (this.#closed) return;
    const dir = this.#server.dir;
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, config(dir, this.#o, this.#o.view.usable()));
    // Checked first, as the controller does (`nginx -t`): a bad configuration is never loaded.
    await run('nginx', ['-t', '-q', '-p', dir, '-c', conf, '-e', join(dir, 'error.log')]);
    // Then SIGHUP to the master, as `nginx -s reload` does. Not `-s reload` itself: it reads the
    // pid file, which holds the master's pid inside its own PID namespace, not the host's.
    const pid = await this.#server.mainPid();
    if (pid !== undefined && this.#server.running) process.kill(pid, 'SIGHUP');
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    await this.#server.close();
  }

  closeSync(): void {
    this.#closed = true;
    this.#server.closeSync();
  }
}

function config(dir: string, o: NginxOptions, endpoints: readonly Endpoint[]): string {
  const servers = endpoints.map((e) => `    server ${e.host}:${e.port};`).join('\n');
  const location =
    endpoints.length === 0
      ? '      return 503;'
      : `      proxy_pass http://pods;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_connect_timeout 4s;
      proxy_read_timeout 4s;
      proxy_send_timeout 4s;
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 3;`;
  return `# Written by lameduck lab; removed when the lab ends.
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
daemon off;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_timeout 75s;
  keepalive_requests 10000;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
${
  endpoints.length === 0
    ? ''
    : `  upstream pods {
${servers}
    keepalive 320;
    keepalive_requests 10000;
    keepalive_timeout 60s;
  }
`
}  server {
    listen ${o.host}:${o.port};
    listen ${o.host}:${o.port + 1} http2;
    location / {
${location}
    }
  }
}
`;
}
