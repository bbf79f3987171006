import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planBuiltin } from '../../../src/lab/scenario/plan.ts';
import type { LabSettings } from '../../../src/lab/scenario/run-scenario.ts';
import { parseSweep, sweepPoint } from '../../../src/lab/scenario/sweep.ts';

test('a sweep without a step runs the two ends and three points between', () => {
  assert.deepEqual(parseSweep('drain-delay=0s..8s'), {
    param: 'drain-delay',
    values: [0, 2000, 4000, 6000, 8000],
  });
  assert.deepEqual(parseSweep('prestop=0s..10s:2500ms').values, [0, 2500, 5000, 7500, 10000]);
});

test('durations with a decimal point parse at either end and in the step', () => {
  assert.deepEqual(parseSweep('propagation=0.5s..1.5s:0.25s').values, [500, 750, 1000, 1250, 1500]);
  assert.deepEqual(parseSweep(' drain-delay=1.5s..2s:500ms ').values, [1500, 2000]);
});

test('a bad sweep is a usage error that names the flag, the form and what was received', () => {
  const cases: [string, RegExp][] = [
    ['drain=0s..8s', /unknown param "drain"/],
    ['drain-delay=8s..1s', /the end must be above the start/],
    ['drain-delay=0s..8s:0s', /the step must be above 0/],
    ['drain-delay=0s..10s:100ms', /101 points; at most 20/],
    ['drain-delay=soon..8s', /"soon" is not a duration/],
    ['drain-delay', /not of that form/],
  ];
  for (const [input, detail] of cases) {
    assert.throws(
      () => parseSweep(input),
      (error: Error & { code?: string; exitCode?: number }) => {
        assert.match(error.message, /^Invalid --sweep: expected <param>=<from>\.\.<to>\[:<step>\]/);
        assert.ok(error.message.includes(`received "${input}"`), error.message);
        assert.match(error.message, detail);
        assert.equal(error.exitCode, 2);
        return true;
      },
      input,
    );
  }
});

const [lameduck] = planBuiltin({
  scenarios: ['lameduck'],
  replicas: 2,
  latency: { base: 'fixed:10ms', slowShare: 0, slow: 'fixed:0ms' },
  port: 8080,
  propagationMaxMs: 1_500,
  node: process.execPath,
  graceMs: 8_000,
});
const settings = {
  network: { propagation: { kind: 'uniform', minMs: 100, maxMs: 1_500 } },
} as unknown as LabSettings;

test('a drain-delay point sets the library variables and lengthens the grace period to cover it', () => {
  assert.ok(lameduck);
  const planned = JSON.stringify(lameduck);
  const short = sweepPoint(parseSweep('drain-delay=0s..1s'), 1_000, lameduck, settings, 2_000);
  assert.equal(short.planned.spec.template.env.LAMEDUCK_DRAIN_DELAY, '1000ms');
  assert.equal(short.planned.spec.template.terminationGracePeriodMs, 8_000, 'already enough');
  const long = sweepPoint(parseSweep('drain-delay=0s..9s'), 9_000, lameduck, settings, 2_000);
  assert.equal(long.planned.spec.template.terminationGracePeriodMs, 11_000);
  assert.equal(long.planned.spec.template.env.LAMEDUCK_GRACE_PERIOD, '11000ms');
  assert.equal(long.settings, settings, 'the network is untouched');
  assert.equal(JSON.stringify(lameduck), planned, 'the plan is untouched');
});

test('a prestop point is a sleep of that length (none at 0); a propagation point is fixed for every proxy', () => {
  assert.ok(lameduck);
  const sweep = parseSweep('prestop=0s..4s');
  assert.deepEqual(
    sweepPoint(sweep, 4_000, lameduck, settings, 1_000).planned.spec.template.preStop,
    {
      kind: 'sleep',
      ms: 4_000,
    },
  );
  assert.equal(
    sweepPoint(sweep, 0, lameduck, settings, 1_000).planned.spec.template.preStop,
    undefined,
  );
  const point = sweepPoint(parseSweep('propagation=0s..2s'), 1_500, lameduck, settings, 1_000);
  assert.deepEqual(point.settings.network.propagation, { kind: 'fixed', ms: 1_500 });
  assert.equal(point.planned, lameduck, 'the scenario keeps the delays it was planned with');
});
