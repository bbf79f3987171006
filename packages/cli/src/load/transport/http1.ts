import type { LookupFunction, Socket } from 'node:net';
import type { ResolvedOptions } from '../options.js';
import { classifyError, classifyStatus, describeError } from './classify.js';
import { openSocket } from './connect.js';
import { http1Request } from './request-head.js';
import { ResponseParser } from './response-parser.js';
import type { Job, Transport, TransportEvents } from './transport.js';

interface Shared {
  readonly options: ResolvedOptions;
  readonly events: TransportEvents;
  readonly keepAliveBytes: Buffer;
  readonly closeBytes: Buffer;
  readonly lookup: LookupFunction | undefined;
  readonly isHead: boolean;
  /** Called when a connection can take the next job, or has closed. */
  released(connection: Connection): void;
  closed(connection: Connection): void;
}

/**
 * One HTTP/1.1 connection, one request at a time (no pipelining). Socket events are turned into
 * per-request outcomes: an error while a request is in flight fails that request with the error's
 * class; a close before the response is complete fails it as `closed-before-response`.
 */
class Connection {
  readonly #shared: Shared;
  readonly #socket: Socket;
  readonly #parser = new ResponseParser();
  #job: Job | undefined;
  #served = 0;
  #last = false;
  #error: unknown;
  readonly #cancel = () => this.destroy();

  constructor(shared: Shared) {
    this.#shared = shared;
    this.#socket = openSocket({
      url: shared.options.url,
      insecure: shared.options.insecure,
      alpn: ['http/1.1'],
      lookup: shared.lookup,
    });
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', (error) => this.#onError(error));
    this.#socket.on('close', () => this.#onClose());
  }

  run(job: Job): void {
    const { options, events } = this.#shared;
    this.#job = job;
    this.#parser.reset(this.#shared.isHead);
    const max = options.maxRequestsPerConnection;
    this.#last = !options.keepalive || (max > 0 && this.#served + 1 >= max);
    job.cancel = this.#cancel;
    events.started(job);
    this.#socket.write(this.#last ? this.#shared.closeBytes : this.#shared.keepAliveBytes);
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #finishJob(outcome: Parameters<TransportEvents['finish']>[1], message?: string): void {
    const job = this.#job;
    this.#job = undefined;
    if (!job || job.done) return;
    job.cancel = undefined;
    this.#shared.events.finish(job, outcome, message);
  }

  #onData(chunk: Buffer): void {
    if (!this.#job) {
      this.destroy(); // bytes nobody asked for: the connection is out of step
      return;
    }
    let result: ReturnType<ResponseParser['feed']>;
    try {
      result = this.#parser.feed(chunk);
    } catch (error) {
      this.#finishJob('other', describeError(error));
      this.destroy();
      return;
    }
    if (!result.done) return;
    this.#served++;
    const outcome = classifyStatus(result.status, this.#shared.options.failOn4xx);
    this.#finishJob(outcome, outcome === 'ok' ? undefined : `HTTP ${result.status}`);
    if (this.#last || !result.keepAlive || result.extra > 0) this.destroy();
    else this.#shared.released(this);
  }

  #onError(error: unknown): void {
    this.#error = error;
    if (this.#job) this.#finishJob(classifyError(error), describeError(error));
  }

  #onClose(): void {
    if (this.#job) {
      if (this.#parser.completeOnClose) {
        const status = this.#parser.status;
        const outcome = classifyStatus(status, this.#shared.options.failOn4xx);
        this.#finishJob(outcome, outcome === 'ok' ? undefined : `HTTP ${status}`);
      } else {
        const detail = this.#parser.started
          ? 'in the middle of the response'
          : 'before any response';
        this.#finishJob(
          'closed-before-response',
          this.#error ? describeError(this.#error) : `connection closed by the server ${detail}`,
        );
      }
    }
    this.#shared.closed(this);
  }
}

/**
 * A bounded pool of HTTP/1.1 connections, opened on demand. A job waits in the queue when every
 * allowed connection is busy; the most recently used idle connection is reused first.
 */
export function createHttp1Transport(
  options: ResolvedOptions,
  events: TransportEvents,
  lookup?: LookupFunction,
): Transport {
  const idle: Connection[] = [];
  const open = new Set<Connection>();
  const queue = new Set<Job>();
  let closing = false;

  const next = (): Job | undefined => {
    const job = queue.values().next().value;
    if (job) {
      queue.delete(job);
      job.cancel = undefined;
    }
    return job;
  };

  const shared: Shared = {
    options,
    events,
    keepAliveBytes: http1Request(options, false),
    closeBytes: http1Request(options, true),
    lookup,
    isHead: options.method === 'HEAD',
    released(connection) {
      const job = next();
      if (job) connection.run(job);
      else idle.push(connection);
    },
    closed(connection) {
      open.delete(connection);
      const at = idle.indexOf(connection);
      if (at !== -1) idle.splice(at, 1);
      if (!closing && queue.size > 0 && open.size < options.connections) {
        const job = next();
        if (job) start(job);
      }
    },
  };

  const start = (job: Job) => {
    const connection = new Connection(shared);
    open.add(connection);
    connection.run(job);
  };

  return {
    send(job) {
      const connection = idle.pop();
      if (connection) connection.run(job);
      else if (open.size < options.connections) start(job);
      else {
        queue.add(job);
        job.queued = true;
        job.cancel = () => queue.delete(job);
      }
    },
    get openConnections() {
      return open.size;
    },
    close() {
      closing = true;
      queue.clear();
      for (const connection of open) connection.destroy();
    },
  };
}
