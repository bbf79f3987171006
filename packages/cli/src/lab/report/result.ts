import type { PodEvent } from '../control-plane/events.js';
import type { FailureClass } from '../traffic/load-contract.js';
import type { Bucket } from './timeline.js';

/** One rolling update, in ms since the scenario started. */
export interface RolloutRecord {
  readonly revision: number;
  readonly startedAt: number;
  /** The new revision fully available and every old pod deleted. */
  readonly completedAt: number;
  /** The last old pod finished terminating. */
  readonly settledAt: number;
}

/** The lab's own accounting of the load, next to what the clients counted. */
export interface TrafficSummary {
  /** rate × how long the load ran: what the schedule should hold. */
  readonly expected: number;
  /** Requests the clients scheduled; every one is counted as ok or failed. */
  readonly scheduled: number;
  /** Requests that left the clients (the rest waited for a free connection until they timed out). */
  readonly sent: number;
  /** Requests started late by the clients (saturated pool or a busy machine). */
  readonly late: number;
  readonly durationMs: number;
  readonly clients: readonly {
    readonly kind: string;
    readonly rate: number;
    readonly connections: number;
    readonly scheduled: number;
    readonly failed: number;
    readonly p99Ms: number | null;
  }[];
  /** The clients' own warnings, and the lab's when the schedule falls short. */
  readonly warnings: readonly string[];
  /** A few raw messages behind the failures, per client kind (what `lameduck load` keeps). */
  readonly samples: readonly {
    readonly kind: string;
    readonly class: string;
    readonly message: string;
    readonly count: number;
  }[];
}

/** What one scenario observed: every report (table, JSON, HTML) renders this. */
export interface ScenarioResult {
  readonly name: string;
  /** One line: what the scenario does. */
  readonly description: string;
  /** The seed story it replays. */
  readonly story?: string;
  /** The data path the load went through (`iptables proxy`, `nginx ingress`, …). */
  readonly dataPath: string;
  readonly requests: number;
  readonly ok: number;
  readonly failed: number;
  readonly failures: Partial<Record<FailureClass, number>>;
  readonly traffic: TrafficSummary;
  readonly rollouts: readonly RolloutRecord[];
  /** From the first rollout's start to the last one's completion, ms. */
  readonly rolloutMs: number;
  /** The longest time a pod took from deletion to its last process gone, ms. */
  readonly longestTerminationMs: number;
  readonly events: readonly PodEvent[];
  /** Outcomes per 100 ms, in ms since the scenario started. */
  readonly buckets: readonly Bucket[];
  /** When the load started, ms since the scenario started. */
  readonly loadStartedAt: number;
  /** When the lab started removing what it created: what follows is teardown, not the story. */
  readonly teardownAt: number;
  /** Set when the scenario could not complete (a crashing pod, a stalled rollout). */
  readonly error?: string;
}
