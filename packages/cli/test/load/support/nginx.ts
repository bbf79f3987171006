// A real nginx (Debian's, from scripts/system-packages.txt) started by a test as a child process, with
// its configuration, logs and temporary files in a folder of its own; stopped and removed afterwards.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accepts } from '../../../../../test/support/ports.ts';

export function hasNginx(): boolean {
  return (
    spawnSync('sh', ['-c', 'command -v nginx || test -x /usr/sbin/nginx'], { stdio: 'ignore' })
      .status === 0
  );
}

export interface Nginx {
  readonly dir: string;
  /** Access-log lines (format: `<uri> <status> <protocol>`). */
  accessLog(): string[];
  stop(): Promise<void>;
}

async function waitForPort(port: number, child: ChildProcess, deadline: number): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with code ${child.exitCode}`);
    if (await accepts(port)) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts nginx (single process, in the foreground) with `serverBlocks` inside `http { }`, and waits
 * until `port` accepts connections. `{dir}` in the blocks is replaced by the nginx folder, where
 * `prepare` may write files (certificates) before nginx starts.
 */
export async function startNginx(
  serverBlocks: string,
  port: number,
  prepare: (dir: string) => void = () => {},
): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'lameduck-nginx-'));
  prepare(dir);
  const config = `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr error;
events { worker_connections 4096; }
http {
  log_format counts '$request_uri $status $server_protocol';
  access_log ${dir}/access.log counts;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  ${serverBlocks.replaceAll('{dir}', dir)}
}
`;
  writeFileSync(join(dir, 'nginx.conf'), config);
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  try {
    await waitForPort(port, child, Date.now() + 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}: ${stderr}`);
  }
  return {
    dir,
    accessLog: () =>
      readFileSync(join(dir, 'access.log'), 'utf8')
        .split('\n')
        .filter((line) => line !== ''),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
