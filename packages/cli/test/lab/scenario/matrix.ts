// Runs built-in scenarios in-process at --quick size, and the invariants every run must hold.

import assert from 'node:assert/strict';
import type { PodEvent } from '../../../src/lab/control-plane/events.ts';
import type { NetworkSettings } from '../../../src/lab/network/data-path.ts';
import type { ScenarioResult } from '../../../src/lab/report/result.ts';
import { formatReport } from '../../../src/lab/report/table.ts';
import type { ScenarioName } from '../../../src/lab/scenario/builtin.ts';
import { planBuiltin } from '../../../src/lab/scenario/plan.ts';
import { runLab } from '../../../src/lab/scenario/run-lab.ts';
import { parseDistribution, upperBound } from '../../../src/lab/spec/distribution.ts';
import { parseMix } from '../../../src/lab/traffic/mix.ts';
import { runLoad } from '../../../src/load/index.ts';
import { isRoot } from '../helpers.ts';

/** PID namespaces are used as root on Linux, as `--pid-namespace auto` does. */
export const pidNamespace = isRoot && process.platform === 'linux';

/** What a test may change of the quick matrix. */
export interface Shape {
  readonly replicas?: number;
  /** The demo app's latency distribution. */
  readonly latency?: string;
  /**
   * Share of requests longer than the drain delay (default 0: the acceptance runs check what holds
   * by design; `slow-requests.test.ts` holds the long tail against the runtime).
   */
  readonly slowShare?: number;
  readonly rate?: number;
  readonly clients?: string;
  readonly connections?: number | 'auto';
}

/** The data path of a quick run: the Service proxy and what stands in front of the pods. */
export type Path = Partial<Pick<NetworkSettings, 'proxy' | 'ingress' | 'lb' | 'lbDrainMs'>>;

export async function quickMatrix(
  scenarios: readonly ScenarioName[],
  path: Path,
  shape: Shape = {},
): Promise<ScenarioResult[]> {
  const propagation = parseDistribution('uniform:50ms..500ms');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && k !== 'NODE_TEST_CONTEXT') env[k] = v;
  const latency = {
    base: shape.latency ?? 'exp:20ms..500ms',
    slowShare: shape.slowShare ?? 0,
    slow: 'uniform:1.6s..2.2s',
  };
  return runLab(
    planBuiltin({
      scenarios,
      replicas: shape.replicas ?? 2,
      latency,
      port: 8080,
      propagationMaxMs: upperBound(propagation),
      node: process.execPath,
      graceMs: 5_000,
    }),
    {
      traffic: {
        rate: shape.rate ?? 200,
        mix: parseMix(shape.clients ?? 'keepalive:50,post:20,close:15,h2:15'),
        connections: shape.connections ?? 'auto',
        postBytes: 2048,
        meanLatencyMs: 60,
      },
      network: {
        proxy: path.proxy ?? 'userspace',
        ingress: path.ingress ?? 'off',
        lb: path.lb ?? 'off',
        lbDrainMs: path.lbDrainMs,
        nodes: 3,
        propagation,
      },
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
 * classes, the clients and the timeline alike; the clients scheduled what the rate asks for over the
 * time the load ran (give or take one request per client and a busy machine's 2 %).
 */
export function assertAccounting(r: ScenarioResult, report: string, answered = true): void {
  assert.equal(r.error, undefined, `${r.name}: ${r.error}${report}`);
  assert.ok(r.requests > 0, `${r.name}: the load ran${report}`);
  if (answered) assert.ok(r.ok > 0, `${r.name}: the load got answers${report}`);
  assert.equal(r.requests, r.ok + r.failed, `${r.name}: every request is ok or failed`);
  const byClass = Object.values(r.failures).reduce((sum, n) => sum + (n ?? 0), 0);
  assert.equal(byClass, r.failed, `${r.name}: the classes add up to the failures`);
  const byClient = r.traffic.clients.reduce((sum, c) => sum + c.scheduled, 0);
  assert.equal(byClient, r.requests, `${r.name}: the clients add up to the requests`);
  const inTimeline = r.buckets.reduce(
    (sum, b) => sum + b.ok + Object.values(b.failed).reduce((s, n) => s + (n ?? 0), 0),
    0,
  );
  assert.equal(inTimeline, r.requests, `${r.name}: the timeline holds every request`);
  const { expected } = r.traffic;
  assert.ok(
    Math.abs(r.requests - expected) <= r.traffic.clients.length + 0.02 * expected,
    `${r.name}: ${r.requests} scheduled, ${expected} expected at the rate${report}`,
  );
  assert.equal(r.rollouts.length, 1, `${r.name}: one rolling update`);
}

const byPod = (r: ScenarioResult): Map<string, PodEvent[]> => {
  const pods = new Map<string, PodEvent[]>();
  for (const e of r.events) pods.set(e.pod, [...(pods.get(e.pod) ?? []), e]);
  return pods;
};

const deletedPods = (r: ScenarioResult): Map<string, PodEvent[]> =>
  new Map([...byPod(r)].filter(([, events]) => events.some((e) => e.type === 'terminating')));

/** Scenarios that lose nothing by design, in any data path. */
const FIXED = new Set(['lameduck', 'shell-entrypoint+run', 'keepalive-lb-drain']);

/**
 * The acceptance claim, as far as it holds on any machine. Whether a broken scenario loses a request
 * in a given run depends on whether one was in flight at the wrong moment, so what is asserted here
 * is the mechanism each story relies on (deterministic: SIGKILL where PID 1 ignores SIGTERM, exit at
 * SIGTERM, preStop ran), that any failure has a class the data path can produce, that every view
 * (each node's proxy, the ingress, the load balancer) recorded when it stopped routing to each
 * deleted pod before the load ended, and that the fixed scenarios lose nothing and are never
 * SIGKILLed, which their design guarantees. That a broken scenario does lose requests when one is in
 * flight is `loss.test.ts`.
 */
export function assertStories(
  results: readonly ScenarioResult[],
  expected: ReadonlySet<string>,
  views: number,
  fixed: ReadonlySet<string> = FIXED,
): void {
  const report = `\n${formatReport(results)}`;
  for (const r of results) {
    assertAccounting(r, report);
    const deleted = deletedPods(r);
    assert.equal(deleted.size, 2, `${r.name}: both old pods were deleted`);
    for (const [pod, events] of deleted) {
      const types = events.map((e) => e.type);
      const what = `${r.name}/${pod}: ${types.join(' ')}`;
      const synced = events.filter((e) => e.type === 'proxy-synced' && e.at < r.teardownAt);
      assert.equal(new Set(synced.map((e) => e.view)).size, views, `every view synced: ${what}`);
      // A pod whose app exits on its own during preStop (lameduck after /prestop) needs no SIGTERM.
      if (fixed.has(r.name)) assert.ok(types.includes('sigterm') || types.includes('exited'), what);
      else assert.ok(types.includes('sigterm'), what);
      if (r.name === 'sigterm-exit') assert.ok(!types.includes('sigkill'), `exits: ${what}`);
      if (['prestop-sleep', 'keepalive-lb', 'keepalive-lb-drain', 'lameduck'].includes(r.name))
        assert.ok(types.includes('prestop-done'), what);
      if (r.name === 'naive' || r.name === 'shell-entrypoint') {
        if (pidNamespace) {
          assert.ok(types.includes('sigkill'), `PID 1 ignores SIGTERM: ${what}`);
        } else {
          const exited = events.find((e) => e.type === 'exited');
          assert.match(exited?.detail ?? '', /killed by SIGTERM/, `dies at SIGTERM: ${what}`);
        }
      }
    }
    if (fixed.has(r.name)) {
      assert.deepEqual(r.failures, {}, `${r.name} loses nothing${report}`);
      assert.equal(r.failed, 0);
      const kills = r.events.filter((e) => e.type === 'sigkill' && e.at < r.teardownAt);
      assert.deepEqual(kills, [], `${r.name} drains within the grace period${report}`);
    } else {
      for (const c of classes(r))
        assert.ok(expected.has(c), `${r.name}: unexpected class ${c}${report}`);
    }
  }
}
