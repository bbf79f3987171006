// A real nginx (Debian's) in front of two app replicas, for the rolling-update test and benchmark:
// started as a child process (no daemon) with its configuration in a temp folder, reloaded to drop a
// replica, stopped at the end. Upstream keep-alive on, retries off (proxy_next_upstream off), as an
// ingress that must not hide the app's failures.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { accepts, freePort } from '../../../../test/support/ports.ts';

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find(
  (path) => spawnSync(path, ['-v']).status === 0,
);

function config(dir: string, port: number, upstreams: number[]): string {
  return `worker_processes 1;
daemon off;
master_process on;
user root;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream app {
${upstreams.map((p) => `    server 127.0.0.1:${p};`).join('\n')}
    keepalive 64;
    keepalive_timeout 30s;
  }
  server {
    listen 127.0.0.1:${port};
    keepalive_timeout 30s;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream off;
      proxy_read_timeout 30s;
    }
  }
}
`;
}

export class Nginx {
  readonly port: number;
  readonly #dir: string;
  readonly #child: ChildProcess;
  readonly exited: Promise<void>;

  private constructor(dir: string, port: number, child: ChildProcess) {
    this.#dir = dir;
    this.port = port;
    this.#child = child;
    this.exited = once(child, 'exit').then(() => undefined);
  }

  static async start(upstreams: number[]): Promise<Nginx> {
    if (!NGINX) throw new Error('nginx is not installed (scripts/system-packages.txt lists it)');
    const dir = mkdtempSync(join(tmpdir(), 'lameduck-nginx-'));
    const port = await freePort();
    writeFileSync(join(dir, 'nginx.conf'), config(dir, port, upstreams));
    const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const nginx = new Nginx(dir, port, child);
    // Listening once a TCP connection succeeds.
    for (let i = 0; i < 200; i++) {
      if (await accepts(port)) return nginx;
      if (child.exitCode !== null) break;
      await sleep(25);
    }
    await nginx.stop();
    throw new Error(`nginx did not start: ${nginx.errors()}`);
  }

  /** Rewrites the upstream list and reloads (SIGHUP): new workers, the old ones finish what they have. */
  reload(upstreams: number[]): void {
    writeFileSync(join(this.#dir, 'nginx.conf'), config(this.#dir, this.port, upstreams));
    this.#child.kill('SIGHUP');
  }

  errors(): string {
    try {
      return readFileSync(join(this.#dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Fast shutdown (SIGTERM), then the temp folder goes. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGTERM');
      await Promise.race([this.exited, sleep(5000)]);
      if (this.#child.exitCode === null) this.#child.kill('SIGKILL');
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
