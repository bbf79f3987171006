import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Deployment } from '../../../src/lab/control-plane/deployment.ts';
import { compiledSibling } from '../../../src/lab/scenario/paths.ts';
import { probe, type Strategy } from '../../../src/lab/spec/template.ts';
import { podHarness } from '../helpers.ts';

const template = {
  command: [process.execPath, compiledSibling('demo-app')],
  env: { DEMO_ON_SIGTERM: 'drain' },
  port: 8080,
  readinessProbe: probe({ kind: 'httpGet', path: '/healthz', port: 8080 }, { periodMs: 100 }),
  terminationGracePeriodMs: 3_000,
};

/** Rolls out one new revision of 4 replicas and records, at every pod change, running and available pods. */
async function rollout(strategy: Strategy, minReadyMs = 0) {
  const h = podHarness();
  const samples: { running: number; available: number; fresh: number; old: number }[] = [];
  let deployment: Deployment | undefined;
  let sampling = true;
  const sample = () => {
    if (!deployment || !sampling) return;
    const running = deployment.pods.filter((p) => p.phase === 'running');
    samples.push({
      running: running.length,
      available: running.filter((p) => deployment?.isAvailable(p)).length,
      fresh: running.filter((p) => p.revision === deployment?.revision).length,
      old: running.filter((p) => p.revision !== deployment?.revision).length,
    });
  };
  deployment = new Deployment({
    spec: { replicas: 4, strategy, minReadyMs, template },
    clock: h.clock,
    createPod: (t, revision) =>
      h.make(
        t,
        () => {
          sample();
          deployment?.poke();
        },
        revision,
      ),
  });
  try {
    const signal = AbortSignal.timeout(60_000);
    await deployment.rollout(signal);
    samples.length = 0;
    const result = await deployment.rollout(signal);
    sampling = false; // cleanup below removes every pod
    return { samples, result, log: h.log };
  } finally {
    await h.cleanup();
  }
}

test('RollingUpdate maxSurge 1 / maxUnavailable 0: never more than 5 pods, never fewer than 4 available', async () => {
  const { samples, result } = await rollout({
    type: 'RollingUpdate',
    maxSurge: 1,
    maxUnavailable: 0,
  });
  assert.ok(samples.length > 0);
  assert.ok(Math.max(...samples.map((s) => s.running)) <= 5, JSON.stringify(samples));
  assert.ok(Math.min(...samples.map((s) => s.available)) >= 4, JSON.stringify(samples));
  assert.ok(result.completedAt >= result.startedAt && result.settledAt >= result.completedAt);
});

test('RollingUpdate 25%/25% of 4 is surge 1 / unavailable 1; Recreate removes every old pod first', async () => {
  const rolling = await rollout({ type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%' });
  assert.ok(Math.max(...rolling.samples.map((s) => s.running)) <= 5);
  assert.ok(Math.min(...rolling.samples.map((s) => s.available)) >= 3);
  const recreate = await rollout({ type: 'Recreate' });
  for (const s of recreate.samples) assert.ok(s.fresh === 0 || s.old === 0, JSON.stringify(s));
});

test('minReadySeconds delays availability, so the rollout takes at least replicas × minReady', async () => {
  const { result } = await rollout({ type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 }, 300);
  assert.ok(
    result.completedAt - result.startedAt >= 4 * 300,
    `${result.completedAt - result.startedAt} ms`,
  );
});
