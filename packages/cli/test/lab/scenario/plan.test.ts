import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SCENARIO_INFO, SCENARIOS, scenarioNetwork } from '../../../src/lab/scenario/builtin.ts';
import { planBuiltin, planUserApp } from '../../../src/lab/scenario/plan.ts';
import { readDeployment } from '../../../src/lab/spec/manifest.ts';

const manifest = readDeployment(
  `kind: Deployment
spec:
  template:
    spec:
      containers:
        - command: [node, server.js]
          ports: [{ containerPort: 9000 }]
`,
  'deploy.yaml',
);

test('--port wins over the manifest containerPort; without it the manifest decides', () => {
  assert.equal(
    planUserApp(['node', 'server.js'], manifest, { replicas: undefined, port: 8089 }).spec.template
      .port,
    8089,
  );
  assert.equal(
    planUserApp(['node', 'server.js'], manifest, { replicas: undefined, port: undefined }).spec
      .template.port,
    9000,
  );
  assert.equal(
    planUserApp(['node', 'server.js'], undefined, { replicas: undefined, port: undefined }).spec
      .template.port,
    8080,
  );
});

test('every built-in scenario has a one-line description; the load-balancer stories bring their own data path', () => {
  const planned = planBuiltin({
    scenarios: SCENARIOS,
    replicas: 2,
    latency: { base: 'fixed:10ms', slowShare: 0, slow: 'fixed:0ms' },
    port: 8080,
    propagationMaxMs: 1_500,
    node: process.execPath,
    graceMs: 8_000,
  });
  assert.deepEqual(
    planned.map((p) => p.name),
    [...SCENARIOS],
  );
  for (const p of planned) {
    assert.ok(p.description.length > 10 && !p.description.includes('\n'), p.name);
    assert.equal(p.description, SCENARIO_INFO[p.name as (typeof SCENARIOS)[number]].description);
  }
  assert.deepEqual(scenarioNetwork('keepalive-lb', { propagationMaxMs: 1_500 }), {
    lb: 'cloud',
    lbDrainMs: undefined,
  });
  const drain = scenarioNetwork('keepalive-lb-drain', { propagationMaxMs: 1_500 });
  const preStop = planned.find((p) => p.name === 'keepalive-lb-drain')?.spec.template.preStop;
  assert.ok(drain?.lbDrainMs && preStop?.kind === 'sleep');
  // By design: the load balancer lets go of the old pod (slowest view + drain) before its preStop ends.
  assert.ok(
    1_500 + drain.lbDrainMs < preStop.ms,
    `${drain.lbDrainMs} ms drain, ${preStop.ms} ms preStop`,
  );
  assert.equal(
    scenarioNetwork('keepalive-lb-drain', { propagationMaxMs: 1_500, lbDrainMs: 30_000 })
      ?.lbDrainMs,
    30_000,
  );
  assert.equal(scenarioNetwork('lameduck', { propagationMaxMs: 1_500 }), undefined);
});
