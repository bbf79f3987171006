// The engine: suppressions, --disable, where findings point, and which objects the rules see.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { audit } from '../../src/audit/audit.ts';
import { app, defaults, findingsOf, GOOD_CONTAINER, yamlSource } from './helpers.ts';

const withoutPreStop = GOOD_CONTAINER.replace(/lifecycle:[\s\S]*$/, '').trimEnd();

test('lameduck.dev/ignore suppresses the named rules on that object only', () => {
  const text = app(withoutPreStop).replace(
    'kind: Deployment\nmetadata:\n  name: web\n',
    'kind: Deployment\nmetadata:\n  name: web\n  annotations:\n    lameduck.dev/ignore: prestop-missing, probes-identical\n',
  );
  assert.deepEqual(findingsOf(text), []);
  assert.equal(findingsOf(app(withoutPreStop)).length, 1);
});

test('--disable turns a rule off', () => {
  assert.deepEqual(findingsOf(app(withoutPreStop), { disabled: new Set(['prestop-missing']) }), []);
});

test('a finding points at the line and column of the container it is about', () => {
  const [f] = findingsOf(app(withoutPreStop));
  assert.equal(f?.rule, 'prestop-missing');
  const text = app(withoutPreStop);
  const line = text.split('\n').findIndex((l) => l.includes('- name: web')) + 1;
  assert.deepEqual(f?.position, { line, column: 11 });
});

test('workers that no Service selects are not held to serving rules', () => {
  const worker = app(withoutPreStop.replace(/readinessProbe:\n.*\n.*\n/, ''))
    .replace(/app: web/g, 'app: worker')
    .replace(
      'kind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: worker',
      'kind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web',
    );
  assert.deepEqual(findingsOf(worker), []);
});

test('Jobs and CronJobs are skipped', () => {
  const job = `apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nspec:\n  template:\n    spec:\n      containers:\n        - name: m\n          command: ["npm", "run", "migrate"]\n`;
  assert.deepEqual(findingsOf(job), []);
});

test('kinds named like Object.prototype members (constructor, toString) are objects, not a crash', () => {
  for (const kind of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    const result = audit([yamlSource(`kind: ${kind}\nmetadata: {name: x}\nspec: {}\n`)], defaults);
    assert.equal(result.objects, 1, kind);
    assert.deepEqual(result.findings, []);
  }
});
