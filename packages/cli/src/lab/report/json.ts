import type { ScenarioResult } from './result.js';

export interface LabReportMeta {
  /** The settings the run used (flags after defaults), JSON-safe. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** What the lab could not model on this machine (e.g. no PID namespaces without root). */
  readonly limitations: readonly string[];
}

/** The `--json` document: per scenario name, requests, failures by class, rollouts and pod events. */
export function toJson(results: readonly ScenarioResult[], meta: LabReportMeta): string {
  const scenarios = results.map((r) => ({
    name: r.name,
    requests: r.requests,
    ok: r.ok,
    failed: r.failed,
    failures: r.failures,
    rolloutDurationMs: Math.round(r.rolloutMs),
    longestTerminationMs: Math.round(r.longestTerminationMs),
    rollouts: r.rollouts.map((x) => ({
      revision: x.revision,
      startedAt: Math.round(x.startedAt),
      completedAt: Math.round(x.completedAt),
      settledAt: Math.round(x.settledAt),
    })),
    events: r.events.map((e) => ({ ...e, at: Math.round(e.at) })),
    timeline: r.buckets.map((b) => ({ at: b.at, ok: b.ok, failed: b.failed })),
    ...(r.error ? { error: r.error } : {}),
  }));
  return `${JSON.stringify({ version: 1, ...meta, scenarios }, null, 2)}\n`;
}
