import type { EndpointView } from '../control-plane/endpoints.js';
import type { ServerProcess } from './server-process.js';

/**
 * A real server in front of the pods — nginx, haproxy, the cloud load balancer — run as a process
 * of its own, that follows its view's endpoint changes the way its controller does: one update at
 * a time, in the order the changes came, none after it is closed. A failed update does not stop
 * the next one (each subclass retries or reports its own).
 */
export abstract class FrontServer {
  protected readonly server: ServerProcess;
  readonly #host: string;
  readonly #port: number;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  protected constructor(server: ServerProcess, host: string, port: number) {
    this.server = server;
    this.#host = host;
    this.#port = port;
  }

  /** Applies every later change of `view` with `apply`, after the updates before it. */
  protected follow(view: EndpointView, apply: () => Promise<void>): void {
    view.onChange(() => {
      this.#queue = this.#queue.then(() => (this.#closed ? undefined : apply())).catch(() => {});
    });
  }

  /** Whether `close()` has begun: an update in progress stops retrying. */
  protected get closed(): boolean {
    return this.#closed;
  }

  get url(): string {
    return `http://${this.#host}:${this.#port}/`;
  }

  /** Lets the update in progress finish, then stops the server. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    await this.server.close();
  }

  /** At process exit: the server is killed at once. */
  closeSync(): void {
    this.#closed = true;
    this.server.closeSync();
  }
}
