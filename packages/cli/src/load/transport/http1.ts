import type { LookupFunction, Socket } from 'node:net';
import type { ResolvedOptions, ResolvedTarget } from '../options.js';
import { classifyError, classifyStatus, describeError } from './classify.js';
import { needsLookup, openSocket, originKey } from './connect.js';
import { http1Request } from './request-head.js';
import { ResponseParser } from './response-parser.js';
import type { ConnectionLimit, Job, Transport, TransportEvents } from './transport.js';

/** A target's request, built once per run. */
interface Prepared {
  readonly keepAliveBytes: Buffer;
  readonly closeBytes: Buffer;
  readonly isHead: boolean;
}

/** What every connection of one origin shares. */
interface Pool {
  readonly url: URL;
  readonly idle: Connection[];
  readonly open: Set<Connection>;
  readonly queue: Set<Job>;
}

interface Shared {
  readonly options: ResolvedOptions;
  readonly events: TransportEvents;
  readonly prepared: readonly Prepared[];
  readonly lookup: LookupFunction;
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
  readonly pool: Pool;
  readonly #shared: Shared;
  readonly #socket: Socket;
  readonly #parser = new ResponseParser();
  #job: Job | undefined;
  #served = 0;
  #last = false;
  #resolving: boolean;
  #error: unknown;
  readonly #cancel = () => this.destroy();

  constructor(shared: Shared, pool: Pool) {
    this.#shared = shared;
    this.pool = pool;
    this.#resolving = needsLookup(pool.url);
    this.#socket = openSocket({
      url: pool.url,
      insecure: shared.options.insecure,
      alpn: ['http/1.1'],
      lookup: shared.lookup,
    });
    this.#socket.on('lookup', () => {
      this.#resolving = false;
      if (this.#job) this.#job.timeoutClass = undefined;
    });
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', (error) => this.#onError(error));
    this.#socket.on('close', () => this.#onClose());
  }

  run(job: Job): void {
    const { options, events, prepared } = this.#shared;
    const request = prepared[job.target] as Prepared;
    this.#job = job;
    this.#parser.reset(request.isHead);
    const max = options.maxRequestsPerConnection;
    this.#last = !options.keepalive || (max > 0 && this.#served + 1 >= max);
    job.cancel = this.#cancel;
    if (this.#resolving) job.timeoutClass = 'dns-timeout';
    events.started(job);
    this.#socket.write(this.#last ? request.closeBytes : request.keepAliveBytes);
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
 * A bounded pool of HTTP/1.1 connections per origin, opened on demand. A job waits in its origin's
 * queue when every allowed connection is busy; the most recently used idle connection is reused
 * first.
 */
export function createHttp1Transport(
  options: ResolvedOptions,
  events: TransportEvents,
  limit: ConnectionLimit,
  lookup: LookupFunction,
): Transport {
  const pools = new Map<string, Pool>();
  const poolOf: Pool[] = options.targets.map((target: ResolvedTarget) => {
    const key = originKey(target.url);
    let pool = pools.get(key);
    if (!pool) {
      pool = { url: target.url, idle: [], open: new Set(), queue: new Set() };
      pools.set(key, pool);
    }
    return pool;
  });
  let closing = false;
  let openCount = 0;

  const next = (pool: Pool): Job | undefined => {
    const job = pool.queue.values().next().value;
    if (job) {
      pool.queue.delete(job);
      job.cancel = undefined;
    }
    return job;
  };

  const shared: Shared = {
    options,
    events,
    prepared: options.targets.map((target) => ({
      keepAliveBytes: http1Request(target, false),
      closeBytes: http1Request(target, true),
      isHead: target.method === 'HEAD',
    })),
    lookup,
    released(connection) {
      const job = next(connection.pool);
      if (job) connection.run(job);
      else connection.pool.idle.push(connection);
    },
    closed(connection) {
      const pool = connection.pool;
      if (pool.open.delete(connection)) openCount--;
      const at = pool.idle.indexOf(connection);
      if (at !== -1) pool.idle.splice(at, 1);
      if (!closing && pool.queue.size > 0 && pool.open.size < limit()) {
        const job = next(pool);
        if (job) start(pool, job);
      }
    },
  };

  const start = (pool: Pool, job: Job) => {
    const connection = new Connection(shared, pool);
    pool.open.add(connection);
    openCount++;
    connection.run(job);
  };

  return {
    send(job) {
      const pool = poolOf[job.target] as Pool;
      const connection = pool.idle.pop();
      if (connection) connection.run(job);
      else if (pool.queue.size === 0 && pool.open.size < limit()) start(pool, job);
      else {
        pool.queue.add(job);
        job.queued = true;
        job.cancel = () => pool.queue.delete(job);
        // the limit may have grown (auto): the oldest waiting jobs get new connections first
        while (pool.queue.size > 0 && pool.open.size < limit()) {
          const oldest = next(pool);
          if (oldest) start(pool, oldest);
        }
      }
    },
    get openConnections() {
      return openCount;
    },
    close() {
      closing = true;
      for (const pool of pools.values()) {
        pool.queue.clear();
        for (const connection of pool.open) connection.destroy();
      }
    },
  };
}
