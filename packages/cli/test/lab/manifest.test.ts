import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LabError } from '../../src/lab/errors.ts';
import { parseManifest } from '../../src/lab/manifest.ts';
import { planUserApp } from '../../src/lab/plan.ts';

test('the example manifest of the runtime library is read field by field', () => {
  const text = readFileSync(
    new URL('../../../../examples/kubernetes/deployment.yaml', import.meta.url),
    'utf8',
  );
  const m = parseManifest(text, 'deployment.yaml');
  assert.equal(m.name, 'api');
  assert.equal(m.replicas, 3);
  assert.deepEqual(m.strategy, { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 });
  assert.equal(m.terminationGracePeriodMs, 30_000);
  assert.deepEqual(m.command, ['node', '--import', 'lameduck/auto', 'server.js']);
  assert.equal(m.port, 3000);
  assert.deepEqual(
    m.preStop,
    { kind: 'httpGet', path: '/prestop', port: 9000 },
    'named port resolved',
  );
  assert.equal(m.readinessProbe?.periodMs, 2_000);
  assert.equal(m.readinessProbe?.failureThreshold, 1);
  assert.equal(m.readinessProbe?.timeoutMs, 1_000, 'Kubernetes default');
  assert.equal(m.startupProbe?.failureThreshold, 30);
  assert.equal(m.env.LAMEDUCK_DRAIN_DELAY, '5s');
});

test('defaults follow Kubernetes; a List and several documents are accepted; --cmd and flags win', () => {
  const m = parseManifest(
    `kind: List\nitems:\n  - kind: Service\n  - kind: Deployment\n    spec:\n      strategy: { type: Recreate }\n      template:\n        spec:\n          containers:\n            - lifecycle: { preStop: { exec: { command: [sleep, "5"] } } }\n`,
    'list.yaml',
  );
  assert.equal(m.replicas, 1);
  assert.equal(m.terminationGracePeriodMs, 30_000);
  assert.deepEqual(m.strategy, { type: 'Recreate' });
  assert.deepEqual(m.preStop, { kind: 'exec', command: ['sleep', '5'] });
  const planned = planUserApp(['node', 'app.js'], m, { replicas: 5, port: 8080 });
  assert.equal(planned.spec.replicas, 5);
  assert.deepEqual(planned.spec.template.command, ['node', 'app.js']);
  assert.equal(planned.spec.template.port, 8080);
  const defaults = parseManifest(
    'kind: Deployment\nspec:\n  template:\n    spec:\n      containers: [{}]\n',
    'd.yaml',
  );
  assert.deepEqual(defaults.strategy, {
    type: 'RollingUpdate',
    maxSurge: '25%',
    maxUnavailable: '25%',
  });
});

test('errors name the file, the field path, the expectation and the value', () => {
  const cases: [string, RegExp][] = [
    [
      'kind: Service\n',
      /Invalid manifest m\.yaml: kind: expected a Deployment, received "Service"/,
    ],
    [
      'kind: Deployment\nspec: {template: {spec: {containers: []}}}\n',
      /containers: expected at least one container/,
    ],
    [
      'kind: Deployment\nspec: {replicas: -1, template: {spec: {containers: [{}]}}}\n',
      /spec\.replicas: expected an integer >= 1, received -1/,
    ],
    [
      'kind: Deployment\nspec: {strategy: {type: Blue}, template: {spec: {containers: [{}]}}}\n',
      /spec\.strategy\.type: expected RollingUpdate or Recreate, received "Blue"/,
    ],
    [
      'kind: Deployment\nspec: {template: {spec: {containers: [{readinessProbe: {grpc: {port: 1}}}]}}}\n',
      /readinessProbe: expected httpGet, tcpSocket or exec, received \["grpc"\]/,
    ],
    [
      'kind: Deployment\nspec: {template: {spec: {containers: [{ports: [{containerPort: 99999}]}]}}}\n',
      /ports\[0\]\.containerPort: expected an integer from 1 to 65535, received 99999/,
    ],
    ['kind: [\n', /Invalid manifest m\.yaml: /],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseManifest(text, 'm.yaml'),
      (error: unknown) =>
        error instanceof LabError &&
        error.code === 'ERR_LAMEDUCK_LAB_MANIFEST' &&
        message.test(error.message),
      text,
    );
  }
});
