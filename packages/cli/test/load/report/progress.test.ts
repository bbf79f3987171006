import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Progress } from '../../../src/load/report/progress.ts';

test('the live progress line rewrites itself and is erased at the end', () => {
  let out = '';
  const progress = new Progress((text) => {
    out += text;
  });
  progress.second({
    second: 0,
    ok: 10,
    failures: {},
    late: 0,
    retried: 0,
    cancelled: 0,
    p50: 1,
    p99: 2,
  });
  progress.second({
    second: 1,
    ok: 8,
    failures: { refused: 2 },
    late: 0,
    retried: 0,
    cancelled: 0,
    p50: 1,
    p99: 2,
  });
  progress.clear();
  const frames = out.split('\r\u001b[2K');
  assert.deepEqual(frames.slice(1), [
    '  1s  ok 10  failed 0  p99 2.00 ms',
    '  2s  ok 18  failed 2 (+2 in the last second)  p99 2.00 ms',
    '',
  ]);
});
