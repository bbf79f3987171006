// Runs built-in scenarios in-process at --quick size, for the acceptance tests.

import type { IngressMode, ProxyMode } from '../../src/lab/cluster.ts';
import { parseDistribution } from '../../src/lab/distribution.ts';
import { runLab } from '../../src/lab/lab.ts';
import { planBuiltin } from '../../src/lab/plan.ts';
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
