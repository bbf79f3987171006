import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LabError } from '../../../src/lab/errors.ts';
import { parseIntOrPercent, resolveFenceposts } from '../../../src/lab/spec/quantity.ts';

test('maxSurge rounds up, maxUnavailable rounds down, both zero becomes maxUnavailable 1', () => {
  const cases: [string | number, string | number, number, number, number][] = [
    // surge, unavailable, replicas → surge, unavailable  (apps/v1 RollingUpdateDeployment docs)
    ['25%', '25%', 1, 1, 0],
    ['25%', '25%', 3, 1, 0],
    ['25%', '25%', 4, 1, 1],
    ['25%', '25%', 10, 3, 2],
    ['50%', '0', 3, 2, 0],
    [0, 0, 3, 0, 1],
    ['0%', '0%', 5, 0, 1],
    [2, '100%', 3, 2, 3],
  ];
  for (const [surge, unavailable, replicas, wantSurge, wantUnavailable] of cases) {
    const got = resolveFenceposts(
      parseIntOrPercent(surge, 'maxSurge'),
      parseIntOrPercent(unavailable, 'maxUnavailable'),
      replicas,
    );
    assert.deepEqual(
      got,
      { maxSurge: wantSurge, maxUnavailable: wantUnavailable },
      `${surge}/${unavailable} of ${replicas}`,
    );
  }
});

test('a bad quantity names the field and what was received', () => {
  for (const bad of ['-1', '25 %', 'abc', 1.5, -2, null]) {
    assert.throws(
      () => parseIntOrPercent(bad, 'spec.strategy.rollingUpdate.maxSurge'),
      (error: unknown) =>
        error instanceof LabError &&
        error.code === 'ERR_LAMEDUCK_LAB_QUANTITY' &&
        /maxSurge: expected a non-negative integer or a percentage/.test(error.message) &&
        error.message.includes(JSON.stringify(bad)),
    );
  }
});
