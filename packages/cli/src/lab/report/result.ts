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

/** What one scenario observed: every report (table, JSON, HTML) renders this. */
export interface ScenarioResult {
  readonly name: string;
  readonly requests: number;
  readonly ok: number;
  readonly failed: number;
  readonly failures: Partial<Record<FailureClass, number>>;
  readonly rollouts: readonly RolloutRecord[];
  /** From the first rollout's start to the last one's completion, ms. */
  readonly rolloutMs: number;
  /** The longest time a pod took from deletion to its last process gone, ms. */
  readonly longestTerminationMs: number;
  readonly events: readonly PodEvent[];
  /** Outcomes per 100 ms, in ms since the scenario started. */
  readonly buckets: readonly Bucket[];
  /** Set when the scenario could not complete (a crashing pod, a stalled rollout). */
  readonly error?: string;
}
