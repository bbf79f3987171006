import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LameduckError } from '../core/errors.js';
import type { ReadyFile } from './ready-file.js';

export interface ReadinessOptions {
  /** Written when the app is started, removed the moment SIGTERM arrives (see ready-file.ts). */
  readonly file?: ReadyFile | undefined;
  /** A tiny HTTP endpoint: 200 while serving, 503 from SIGTERM on. */
  readonly port?: number | undefined;
  /** Address the endpoint listens on; all interfaces when undefined. */
  readonly host?: string | undefined;
}

/**
 * The readiness the supervisor reports on the app's behalf, so a pod leaves the Service endpoints
 * during `--drain-delay` while the app itself still serves.
 */
export class Readiness {
  #ready = true;
  #server: Server | undefined;
  readonly #file: ReadyFile | undefined;

  private constructor(file: ReadyFile | undefined) {
    this.#file = file;
  }

  /** Starts the endpoint (if any) and writes the ready file (through the one file writer). */
  static async start(options: ReadinessOptions): Promise<Readiness> {
    const readiness = new Readiness(options.file);
    if (options.port !== undefined) readiness.#server = await listen(readiness, options);
    try {
      await options.file?.write();
    } catch (error) {
      await readiness.close();
      throw error;
    }
    return readiness;
  }

  get ready(): boolean {
    return this.#ready;
  }

  /** The endpoint's address (useful with port 0), if there is one. */
  get address(): AddressInfo | undefined {
    const address = this.#server?.address();
    return address && typeof address === 'object' ? address : undefined;
  }

  /** Not ready from now on: the file is removed and the endpoint answers 503. */
  drain(): void {
    this.#ready = false;
    this.#file?.remove();
  }

  async close(): Promise<void> {
    this.drain();
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** node:http is loaded only when an endpoint is asked for, to keep `lameduck run` quick to start. */
async function listen(readiness: Readiness, options: ReadinessOptions): Promise<Server> {
  const { createServer } = await import('node:http');
  const server = createServer((request, response) => {
    const status = readiness.ready ? 200 : 503;
    response.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
    response.end(
      request.method === 'HEAD' ? undefined : `${status === 200 ? 'ready' : 'draining'}\n`,
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new LameduckError(
          'ERR_LAMEDUCK_RUN_READY_PORT',
          `lameduck run: --ready-port ${options.port} cannot listen: ${error.code ?? error.message}`,
          { exitCode: 1, cause: error },
        ),
      );
    });
    server.listen({ port: options.port, host: options.host }, () => resolve(server));
  });
}
