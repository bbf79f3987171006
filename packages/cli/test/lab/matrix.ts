// Runs built-in scenarios in-process at --quick size, for the acceptance tests.

import assert from 'node:assert/strict';
import type { IngressMode, ProxyMode } from '../../src/lab/cluster.ts';
import { parseDistribution } from '../../src/lab/distribution.ts';
import { runLab } from '../../src/lab/lab.ts';
import { planBuiltin } from '../../src/lab/plan.ts';
import { formatReport } from '../../src/lab/report.ts';
import type { ScenarioResult } from '../../src/lab/run-scenario.ts';
import type { ScenarioName } from '../../src/lab/scenarios.ts';
import { runLoad } from '../../src/load/index.ts';
import { isRoot } from './helpers.ts';

export async function quickMatrix(
  scenarios: readonly ScenarioName[],
  proxy: ProxyMode,
  ingress: IngressMode,
): Promise<ScenarioResult[]> {
  const propagation = parseDistribution('uniform:50ms..500ms');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && k !== 'NODE_TEST_CONTEXT') env[k] = v;
  return runLab(
    planBuiltin({
      scenarios,
      replicas: 2,
      latencyMs: 50,
      port: 8080,
      propagation,
      node: process.execPath,
      graceMs: 4_000,
    }),
    {
      rate: 200,
      rollouts: 1,
      nodes: 3,
      propagation,
      connections: 32,
      keepalive: true,
      proxy,
      ingress,
      pidNamespace: isRoot && process.platform === 'linux',
      rolloutTimeoutMs: 30_000,
      settleMs: 500,
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
 * The acceptance claim: naive, sigterm-exit, prestop-sleep and shell-entrypoint each lose requests,
 * only of the expected classes; lameduck loses none and never needs SIGKILL.
 */
export function assertStories(
  results: readonly ScenarioResult[],
  expected: ReadonlySet<string>,
): void {
  const by = new Map(results.map((r) => [r.name, r]));
  const report = `\n${formatReport(results)}`;
  for (const name of ['naive', 'sigterm-exit', 'prestop-sleep', 'shell-entrypoint']) {
    const r = by.get(name);
    assert.ok(r, name);
    assert.equal(r.error, undefined, `${name}: ${r.error}`);
    assert.ok(r.requests > 200, `${name} sent ${r.requests} requests${report}`);
    assert.ok(r.failed > 0, `${name} should lose requests${report}`);
    for (const c of classes(r))
      assert.ok(expected.has(c), `${name}: unexpected class ${c}${report}`);
  }
  for (const name of ['lameduck', 'shell-entrypoint+run']) {
    const fixed = by.get(name);
    assert.ok(fixed && fixed.requests > 200, report);
    assert.equal(fixed.error, undefined);
    assert.deepEqual(fixed.failures, {}, `${name} loses nothing${report}`);
    assert.equal(fixed.failed, 0);
    const kills = fixed.events.filter((e) => e.type === 'sigkill');
    assert.deepEqual(kills, [], `${name} drains within the grace period${report}`);
  }
  const events = (name: string) => by.get(name)?.events.map((e) => e.type) ?? [];
  assert.ok(events('prestop-sleep').includes('prestop-done'));
  assert.ok(
    !events('lameduck').includes('sigkill'),
    `lameduck drains within the grace period${report}`,
  );
  assert.ok(events('lameduck').includes('proxy-synced'), 'proxies learned of the terminating pods');
}
