import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientWarnings } from '../../../src/load/engine/client-warnings.ts';

test('warnings name the cause: late sends (waiting for a connection, or CPU), event-loop delay', () => {
  const totals = { scheduled: 100, sent: 100, ok: 100, failed: 0, late: 5 };
  const calm = { lateWaitingForConnection: 0, eventLoopDelayP99: 1, eventLoopDelayMax: 5 };
  assert.deepEqual(clientWarnings({ ...totals, late: 1 }, calm, 10), []);
  const [cpu] = clientWarnings(totals, calm, 10);
  assert.match(cpu ?? '', /5 of 100 requests \(5.0%\) started more than 10 ms after they were due/);
  assert.match(cpu ?? '', /short of CPU time \(event loop delayed up to 5 ms\)/);
  const [pool] = clientWarnings(totals, { ...calm, lateWaitingForConnection: 4 }, 10);
  assert.match(pool ?? '', /4 of them waited for a free connection: raise --connections/);
  const busy = { lateWaitingForConnection: 0, eventLoopDelayP99: 30, eventLoopDelayMax: 80 };
  const [loop] = clientWarnings({ ...totals, late: 0 }, busy, 10);
  assert.match(loop ?? '', /event loop was delayed \(p99 30 ms, max 80 ms\)/);
});
