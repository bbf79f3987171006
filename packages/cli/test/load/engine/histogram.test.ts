import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram } from '../../../src/load/engine/histogram.ts';

test('percentiles are exact to within the relative precision, max is exact', () => {
  const h = new Histogram();
  for (let v = 1; v <= 100_000; v++) h.record(v);
  assert.equal(h.count, 100_000);
  assert.equal(h.max, 100_000);
  for (const [p, expected] of [
    [50, 50_000],
    [90, 90_000],
    [99, 99_000],
    [99.9, 99_900],
  ] as const) {
    const got = h.percentile(p);
    assert.ok(got >= expected && got <= expected * 1.001, `p${p}: ${got} vs ${expected}`);
  }
  assert.equal(h.percentile(100), 100_000);
});

test('small values are exact and an empty histogram reports 0', () => {
  const h = new Histogram(7);
  assert.equal(h.percentile(50), 0);
  for (const v of [3, 3, 7, 250]) h.record(v);
  assert.equal(h.percentile(50), 3);
  assert.equal(h.percentile(75), 7);
  assert.equal(h.percentile(100), 250);
});

test('huge values are clamped, not lost; add() merges; memory does not grow with the count', () => {
  const a = new Histogram(7);
  const b = new Histogram(7);
  a.record(5e12);
  b.record(1000, 1e9);
  a.add(b);
  assert.equal(a.count, 1e9 + 1);
  assert.equal(a.max, 0xffff_ffff);
  const p50 = a.percentile(50);
  assert.ok(p50 >= 1000 && p50 <= 1000 * 1.008);
  assert.throws(() => a.add(new Histogram(10)), RangeError);
  a.reset();
  assert.equal(a.count, 0);
});
