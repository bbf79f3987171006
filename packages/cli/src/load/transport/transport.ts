import type { FailureClass, Outcome } from '../result.js';

/** One scheduled request as the engine and a transport share it. */
export interface Job {
  /** When it was due, in ms since the run started. */
  readonly scheduledAt: number;
  /** Which target (index into the run's targets) it goes to. */
  readonly target: number;
  /** Set once the outcome is recorded; later events for the job are ignored. */
  done: boolean;
  /** Set by the transport while it holds the job: gives the job up (queue) or kills its socket. */
  cancel: (() => void) | undefined;
  /** Set by the transport when the job had to wait for a free connection. */
  queued: boolean;
  /** When the transport started it (ms since the run started; -1 before); set by the engine. */
  startedAt: number;
  /** Times it was sent again after a refused stream (at most once). */
  retries: number;
  /**
   * The class a timeout gets while the job is in this stage (e.g. `dns-timeout` while its host name
   * is being resolved); plain `timeout` when unset.
   */
  timeoutClass: FailureClass | undefined;
}

/** What a transport reports back to the engine. */
export interface TransportEvents {
  /** The job left the queue: a connection attempt or a write started for it. */
  started(job: Job): void;
  /** The job's outcome; `message` is the raw error or status text for failure samples. */
  finish(job: Job, outcome: Outcome, message?: string): void;
  /** The job is being sent again: the server refused its first attempt without processing it. */
  retried(job: Job): void;
}

/** Sends jobs over some protocol. Every job given to `send` is finished exactly once. */
export interface Transport {
  send(job: Job): void;
  /** Connections currently open. */
  readonly openConnections: number;
  /** Destroys every connection; jobs still held are left to the engine. */
  close(): void;
}

/** How many connections a transport may open right now (fixed, or sized from the observed latency). */
export type ConnectionLimit = () => number;
