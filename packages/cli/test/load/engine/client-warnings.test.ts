import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientWarnings } from '../../../src/load/engine/client-warnings.ts';

const TOTALS = { scheduled: 100, sent: 100, ok: 100, failed: 0, late: 5, retried: 0, cancelled: 0 };
const CALM = {
  lateWaitingForConnection: 0,
  waitedForConnection: 0,
  peakConnections: 4,
  autoConnectionLimit: null,
  neverSent: 0,
  eventLoopDelayP99: 1,
  eventLoopDelayMax: 5,
};
const SHAPE = { lateMs: 10, connections: 4, http2: false, rate: 100, p50Ms: 50 } as const;

test('warnings name the cause: late sends (waiting for a connection, or CPU), event-loop delay', () => {
  assert.deepEqual(clientWarnings({ ...TOTALS, late: 1 }, CALM, SHAPE), []);
  const [cpu] = clientWarnings(TOTALS, CALM, SHAPE);
  assert.match(cpu ?? '', /5 of 100 requests \(5.0%\) started more than 10 ms after they were due/);
  assert.match(cpu ?? '', /short of CPU time \(event loop delayed up to 5 ms\)/);
  const busy = { ...CALM, eventLoopDelayP99: 30, eventLoopDelayMax: 80 };
  const [loop] = clientWarnings({ ...TOTALS, late: 0 }, busy, SHAPE);
  assert.match(loop ?? '', /event loop was delayed \(p99 30 ms, max 80 ms\)/);
});

test('a saturated pool is named, with rate × latency; never-sent and cancelled requests are told', () => {
  const saturated = { ...CALM, lateWaitingForConnection: 4, waitedForConnection: 30, neverSent: 3 };
  const warnings = clientWarnings({ ...TOTALS, cancelled: 2 }, saturated, SHAPE);
  assert.match(
    warnings[0] ?? '',
    /the client was saturated: 30 of 100 requests \(30.0%\) waited for a free connection, with 4 connections open; --connections 4 is too small for rate × latency \(100 req\/s × p50 50 ms ≈ 5 requests in flight\)\. Raise --connections, or leave it at auto\./,
  );
  assert.match(warnings[1] ?? '', /4 of them waited for a free connection/);
  assert.match(warnings[2] ?? '', /^3 scheduled requests were never sent/);
  assert.match(
    warnings[3] ?? '',
    /^2 requests had no outcome when the run was interrupted: counted as cancelled/,
  );
  const auto = clientWarnings(
    TOTALS,
    { ...saturated, autoConnectionLimit: 1024 },
    {
      ...SHAPE,
      connections: 'auto',
    },
  );
  assert.match(
    auto[0] ?? '',
    /the automatic pool \(up to 1024 connections, at most 1024\) is too small/,
  );
});
