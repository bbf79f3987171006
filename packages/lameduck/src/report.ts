import type { HookRecord } from './metrics.js';

export type ShutdownOutcome = 'clean' | 'failed' | 'forced' | 'crashed';

/** What a shutdown did, logged as the `stopped` event and resolved by `shutdown()`. */
export interface ShutdownReport {
  /** What started it: a signal name, 'prestop', 'uncaughtException', 'unhandledRejection', or shutdown()'s argument. */
  reason: string;
  outcome: ShutdownOutcome;
  /** Why it was forced: 'deadline' or 'second-signal'. */
  forcedBy?: 'deadline' | 'second-signal';
  exitCode: number;
  /** Milliseconds from the trigger to each phase. */
  timeline: { closingAfterMs: number; drainedAfterMs: number; stoppedAfterMs: number };
  /** Requests served after the trigger: while draining, and on existing connections while closing. */
  served: { whileDraining: number; whileClosing: number };
  connections: { endedIdle: number; forced: number; upgradedClosed: number; goawaysSent: number };
  /**
   * What clients saw cut. `requests`: requests, streams and upgraded sockets in flight when the
   * deadline (or a second signal) destroyed them, plus `raced`: requests that arrived on a
   * connection lameduck had already closed. `connections`: connections with work on them that were
   * destroyed. `holds`: holds not released when the shutdown was forced. `hooks`: hooks cut by the
   * deadline.
   */
  cut: {
    requests: number;
    raced: number;
    connections: number;
    holds: string[];
    hooks: string[];
  };
  hooks: HookRecord[];
}
