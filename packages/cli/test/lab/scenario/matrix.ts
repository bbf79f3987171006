// Runs built-in scenarios in-process at --quick size, and the invariants every run must hold.

import assert from 'node:assert/strict';
import type { PodEvent } from '../../../src/lab/control-plane/events.ts';
import type { IngressMode, ProxyMode } from '../../../src/lab/network/data-path.ts';
import type { ScenarioResult } from '../../../src/lab/report/result.ts';
import { formatReport } from '../../../src/lab/report/table.ts';
import type { ScenarioName } from '../../../src/lab/scenario/builtin.ts';
import { planBuiltin } from '../../../src/lab/scenario/plan.ts';
import { runLab } from '../../../src/lab/scenario/run-lab.ts';
import { parseDistribution, upperBound } from '../../../src/lab/spec/distribution.ts';
import { runLoad } from '../../../src/load/index.ts';
import { isRoot } from '../helpers.ts';

/** PID namespaces are used as root on Linux, as `--pid-namespace auto` does. */
export const pidNamespace = isRoot && process.platform === 'linux';

/** What a test may change of the quick matrix. */
export interface Shape {
  readonly replicas?: number;
  readonly latencyMs?: number;
  readonly rate?: number;
  readonly connections?: number;
}

export async function quickMatrix(
  scenarios: readonly ScenarioName[],
  proxy: ProxyMode,
  ingress: IngressMode,
  shape: Shape = {},
): Promise<ScenarioResult[]> {
  const propagation = parseDistribution('uniform:50ms..500ms');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && k !== 'NODE_TEST_CONTEXT') env[k] = v;
  return runLab(
    planBuiltin({
      scenarios,
      replicas: shape.replicas ?? 2,
      latencyMs: shape.latencyMs ?? 50,
      port: 8080,
      propagationMaxMs: upperBound(propagation),
      node: process.execPath,
      graceMs: 4_000,
    }),
    {
      traffic: { rate: shape.rate ?? 200, connections: shape.connections ?? 32, keepalive: true },
      network: { proxy, ingress, nodes: 3, propagation },
      kubelet: { pidNamespace },
      rollout: { rollouts: 1, rolloutTimeoutMs: 30_000, settleMs: 500 },
    },
    {
      runLoad,
      baseEnv: env,
      cwd: process.cwd(),
      pid: process.pid,
      signal: new AbortController().signal,
    },
  );
}

export function classes(result: ScenarioResult): string[] {
  return Object.entries(result.failures)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([c]) => c)
    .sort();
}

/**
 * What holds for every scenario whatever the machine's load: the run completed with traffic, and
 * every request is counted exactly once — as ok or as a failure of one class — in the totals, the
 * classes and the timeline alike.
 */
export function assertAccounting(r: ScenarioResult, report: string, answered = true): void {
  assert.equal(r.error, undefined, `${r.name}: ${r.error}${report}`);
  assert.ok(r.requests > 0, `${r.name}: the load ran${report}`);
  if (answered) assert.ok(r.ok > 0, `${r.name}: the load got answers${report}`);
  assert.equal(r.requests, r.ok + r.failed, `${r.name}: every request is ok or failed`);
  const byClass = Object.values(r.failures).reduce((sum, n) => sum + (n ?? 0), 0);
  assert.equal(byClass, r.failed, `${r.name}: the classes add up to the failures`);
  const inTimeline = r.buckets.reduce(
    (sum, b) => sum + b.ok + Object.values(b.failed).reduce((s, n) => s + (n ?? 0), 0),
    0,
  );
  assert.equal(inTimeline, r.requests, `${r.name}: the timeline holds every request`);
  assert.equal(r.rollouts.length, 1, `${r.name}: one rolling update`);
}

const ofDeleted = (r: ScenarioResult): Map<string, PodEvent[]> => {
  const byPod = new Map<string, PodEvent[]>();
  for (const e of r.events) byPod.set(e.pod, [...(byPod.get(e.pod) ?? []), e]);
  return new Map([...byPod].filter(([, events]) => events.some((e) => e.type === 'terminating')));
};

/**
 * The acceptance claim, as far as it holds on any machine. Whether a broken scenario loses a request
 * in a given run depends on whether one was in flight at the wrong moment, so what is asserted here
 * is the mechanism each story relies on (deterministic: SIGKILL where PID 1 ignores SIGTERM, exit at
 * SIGTERM, preStop ran), that any failure has a class the data path can produce, and that `lameduck`
 * and `shell-entrypoint+run` lose nothing and are never SIGKILLed, which their design guarantees.
 * That a broken scenario does lose requests when one is in flight is `loss.test.ts`.
 */
export function assertStories(
  results: readonly ScenarioResult[],
  expected: ReadonlySet<string>,
): void {
  const by = new Map(results.map((r) => [r.name, r]));
  const report = `\n${formatReport(results)}`;
  for (const r of results) assertAccounting(r, report);
  for (const name of ['naive', 'sigterm-exit', 'prestop-sleep', 'shell-entrypoint']) {
    const r = by.get(name);
    assert.ok(r, name);
    for (const c of classes(r))
      assert.ok(expected.has(c), `${name}: unexpected class ${c}${report}`);
    const deleted = ofDeleted(r);
    assert.equal(deleted.size, 2, `${name}: both old pods were deleted`);
    for (const [pod, events] of deleted) {
      const types = events.map((e) => e.type);
      const what = `${name}/${pod}: ${types.join(' ')}`;
      assert.ok(types.includes('sigterm'), what);
      if (name === 'sigterm-exit')
        assert.ok(!types.includes('sigkill'), `exits at SIGTERM: ${what}`);
      if (name === 'prestop-sleep') assert.ok(types.includes('prestop-done'), what);
      if (name === 'naive' || name === 'shell-entrypoint') {
        if (pidNamespace) {
          assert.ok(types.includes('sigkill'), `PID 1 ignores SIGTERM: ${what}`);
        } else {
          const exited = events.find((e) => e.type === 'exited');
          assert.match(exited?.detail ?? '', /killed by SIGTERM/, `dies at SIGTERM: ${what}`);
        }
      }
    }
  }
  for (const name of ['lameduck', 'shell-entrypoint+run']) {
    const fixed = by.get(name);
    assert.ok(fixed, name);
    assert.deepEqual(fixed.failures, {}, `${name} loses nothing${report}`);
    assert.equal(fixed.failed, 0);
    const kills = fixed.events.filter((e) => e.type === 'sigkill');
    assert.deepEqual(kills, [], `${name} drains within the grace period${report}`);
  }
  assert.ok(
    by.get('lameduck')?.events.some((e) => e.type === 'proxy-synced'),
    'proxies learned of the terminating pods',
  );
}
