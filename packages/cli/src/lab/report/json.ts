import type { SweepResult } from '../scenario/sweep.js';
import type { ScenarioResult } from './result.js';

export interface LabReportMeta {
  /** The settings the run used (flags after defaults), JSON-safe. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** What the lab could not model on this machine (e.g. no PID namespaces without root). */
  readonly limitations: readonly string[];
}

/** The `--json` document: per scenario name, requests, failures by class, rollouts and pod events. */
export function toJson(
  results: readonly ScenarioResult[],
  meta: LabReportMeta,
  sweep?: SweepResult,
): string {
  const scenarios = results.map((r) => ({
    name: r.name,
    description: r.description,
    ...(r.story ? { story: r.story } : {}),
    dataPath: r.dataPath,
    requests: r.requests,
    ok: r.ok,
    failed: r.failed,
    failures: r.failures,
    traffic: r.traffic,
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
    loadStartedAt: Math.round(r.loadStartedAt),
    teardownAt: Math.round(r.teardownAt),
    ...(r.error ? { error: r.error } : {}),
  }));
  const swept = sweep && {
    param: sweep.param,
    scenario: sweep.scenario,
    points: sweep.points.map((p) => ({
      valueMs: p.value,
      requests: p.result.requests,
      failed: p.result.failed,
      failures: p.result.failures,
      ...(p.result.error ? { error: p.result.error } : {}),
    })),
  };
  return `${JSON.stringify({ version: 2, ...meta, ...(swept ? { sweep: swept } : {}), scenarios }, null, 2)}\n`;
}
