import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, LameduckError, parseDuration } from '../src/index.ts';

test('parseDuration reads units, fractions and compound durations', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['500ms', 500],
    ['5s', 5000],
    ['1.5s', 1500],
    ['.5s', 500],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    [' 250ms ', 250],
  ];
  for (const [input, expected] of cases) assert.equal(parseDuration(input), expected, input);
});

test('parseDuration rejects numbers without units and garbage, naming what was parsed', () => {
  for (const input of ['5', '', 's', '5x', '-5s', '5 s', '1m30', 'abc']) {
    assert.throws(
      () => parseDuration(input, 'LAMEDUCK_DRAIN_DELAY'),
      (error: unknown) =>
        error instanceof LameduckError &&
        error.code === 'ERR_LAMEDUCK_INVALID_DURATION' &&
        error.message.includes('LAMEDUCK_DRAIN_DELAY') &&
        error.message.includes(`"${input}"`),
      input,
    );
  }
  assert.throws(() => parseDuration(-1), LameduckError);
  assert.throws(() => parseDuration(Number.NaN), LameduckError);
  assert.equal(parseDuration(1234), 1234);
});

test('formatDuration writes what parseDuration reads back', () => {
  for (const ms of [
    0, 1, 250, 999, 1000, 1500, 1234, 5000, 59_000, 60_000, 90_000, 3_600_000, 5_400_000,
  ]) {
    assert.equal(parseDuration(formatDuration(ms)), ms, `${ms} -> ${formatDuration(ms)}`);
  }
  assert.equal(formatDuration(5000), '5s');
  assert.equal(formatDuration(1500), '1.5s');
  assert.equal(formatDuration(90_000), '1m30s');
});
