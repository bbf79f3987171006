import type { HookRecord } from './metrics.js';

export type ShutdownOutcome = 'clean' | 'failed' | 'forced';

/** What a shutdown did, logged as the `stopped` event and resolved by `shutdown()`. */
export interface ShutdownReport {
  /** What started it: a signal name, 'prestop', or the reason given to shutdown(). */
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
  /** What the deadline cut: in-flight requests/streams/upgraded sockets, connections, hooks. */
  cut: { requests: number; connections: number; hooks: string[] };
  hooks: HookRecord[];
}
