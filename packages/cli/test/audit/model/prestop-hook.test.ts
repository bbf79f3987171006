import assert from 'node:assert/strict';
import { test } from 'node:test';
import { preStopOf } from '../../../src/audit/model/prestop-hook.ts';

test('preStop delays are read from sleep, exec sleep and sh -c sleep', () => {
  const container = (lifecycle: unknown) => ({
    name: 'c',
    index: 0,
    path: [],
    spec: { lifecycle },
  });
  assert.deepEqual(preStopOf(container(undefined)), { kind: 'none' });
  assert.equal(
    (preStopOf(container({ preStop: { sleep: { seconds: 7 } } })) as { seconds: number }).seconds,
    7,
  );
  assert.equal(
    (
      preStopOf(container({ preStop: { exec: { command: ['/bin/sleep', '1m'] } } })) as {
        seconds: number;
      }
    ).seconds,
    60,
  );
  const sh = preStopOf(
    container({ preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 15 && nginx -s quit'] } } }),
  );
  assert.equal(sh.kind, 'exec-sleep');
  assert.equal((sh as { seconds: number }).seconds, 15);
  assert.equal(
    preStopOf(container({ preStop: { httpGet: { path: '/prestop', port: 9090 } } })).kind,
    'other',
  );
});
