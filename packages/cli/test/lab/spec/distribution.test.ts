import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LabError } from '../../../src/lab/errors.ts';
import {
  formatDistribution,
  parseDistribution,
  sample,
  upperBound,
} from '../../../src/lab/spec/distribution.ts';

test('propagation distributions parse, print back and sample within their bounds', () => {
  for (const text of ['fixed:500ms', 'uniform:100ms..1.5s', 'exp:300ms..3s']) {
    assert.equal(formatDistribution(parseDistribution(text)), text);
  }
  const uniform = parseDistribution('uniform:100ms..1s');
  assert.equal(
    sample(uniform, () => 0),
    100,
  );
  assert.equal(
    sample(uniform, () => 0.5),
    550,
  );
  assert.equal(upperBound(uniform), 1000);
  const exp = parseDistribution('exp:200ms');
  assert.equal(upperBound(exp), 2000);
  assert.ok(Math.abs(sample(exp, () => 1 - Math.exp(-1)) - 200) < 1e-9, 'median-ish draw = mean');
  assert.equal(
    sample(exp, () => 0.999999999),
    2000,
    'the tail is capped',
  );
  assert.equal(sample(parseDistribution('fixed:0'), Math.random), 0);
});

test('a bad distribution names the flag, the accepted forms and the input', () => {
  for (const bad of ['uniform:1s', 'fixed:5', 'uniform:2s..1s', 'gauss:1s', '']) {
    assert.throws(
      () => parseDistribution(bad),
      (error: unknown) =>
        error instanceof LabError &&
        error.code === 'ERR_LAMEDUCK_LAB_DISTRIBUTION' &&
        error.message.startsWith('Invalid --propagation: expected fixed:<duration>') &&
        error.message.includes(`"${bad}"`),
    );
  }
});
