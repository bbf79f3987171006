// Shared pieces of the library's tests: a fake process (signals and exit without touching the real
// one), servers on ephemeral loopback ports, and small waits.
import { EventEmitter, once } from 'node:events';
import { createServer, get, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import {
  createLameduck,
  type Lameduck,
  type LameduckOptions,
  type ProcessLike,
} from '../../src/index.ts';

export class FakeProcess extends EventEmitter implements ProcessLike {
  readonly env: Record<string, string | undefined>;
  readonly pid = 4242;
  exitCode: number | undefined;
  readonly stderrLines: string[] = [];
  readonly stderr = { write: (chunk: string) => this.stderrLines.push(chunk) };

  constructor(env: Record<string, string | undefined> = {}) {
    super();
    this.env = env;
  }

  exit(code?: number): undefined {
    this.exitCode = code ?? 0;
    return undefined;
  }

  signal(signal: NodeJS.Signals): void {
    this.emit(signal, signal);
  }
}

/** A lameduck with a fake process, no admin server unless asked, no exit. */
export function testLameduck(options: LameduckOptions = {}): {
  lameduck: Lameduck;
  proc: FakeProcess;
} {
  const proc = new FakeProcess();
  const lameduck = createLameduck({
    admin: false,
    logger: false,
    exit: false,
    process: proc,
    ...options,
  });
  return { lameduck, proc };
}

export async function listen<T extends NetServer>(server: T, host = '127.0.0.1'): Promise<number> {
  server.listen(0, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

export async function httpServer(
  lameduck: Lameduck,
  handler: RequestListener,
): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  server.keepAliveTimeout = 30_000;
  lameduck.register(server);
  const port = await listen(server);
  return { server, port };
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** GET over a fresh connection; resolves with status and body. */
export function fetchText(
  port: number,
  path: string,
  host = '127.0.0.1',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host, port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** Resolves with the error code of a connection attempt that fails (e.g. ECONNREFUSED), or 'connected'. */
export function connectOutcome(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const request = get({ host, port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(`status ${res.statusCode}`));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** Waits until `predicate` is true, checking every 10 ms, failing after `timeout` ms. */
export async function until(
  predicate: () => boolean,
  timeout = 5000,
  what = 'condition',
): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}
