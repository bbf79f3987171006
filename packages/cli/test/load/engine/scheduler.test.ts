import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autoPoolSize } from '../../../src/load/engine/pool-size.ts';
import { Recorder } from '../../../src/load/engine/recorder.ts';
import { runScheduler, type SchedulerOptions } from '../../../src/load/engine/scheduler.ts';
import { type RequestRecord, runLoad } from '../../../src/load/index.ts';
import { assertAccounted, occurred } from '../support/invariants.ts';
import { withHttpServer, withTcpServer } from '../support/servers.ts';
import { VirtualClock } from '../support/virtual-clock.ts';
import { VirtualTransport } from '../support/virtual-transport.ts';

// On the virtual clock: exact figures, whatever the machine's load.

const OPTIONS: SchedulerOptions = {
  rate: 50,
  durationMs: 1000,
  timeoutMs: 10_000,
  lateThresholdMs: 10,
  concurrency: 64,
  signal: undefined,
  endSignal: undefined,
};

function virtualRun(
  options: Partial<SchedulerOptions>,
  serviceMs: (index: number) => number | undefined,
  connections?: number,
) {
  const clock = new VirtualClock();
  const records: RequestRecord[] = [];
  const recorder = new Recorder({ onRequest: (r) => records.push(r) });
  let transport: VirtualTransport | undefined;
  const run = runScheduler(
    { ...OPTIONS, ...options },
    recorder,
    (events) => {
      transport = new VirtualTransport(clock, events, serviceMs, connections);
      return transport;
    },
    clock,
  );
  return { clock, records, recorder, run, transport: () => transport as VirtualTransport };
}

test('open model on the clock: request k is due at k/rate, latency counts from that time', async () => {
  const { clock, records, recorder, run } = virtualRun({}, () => 5);
  await clock.advance(2000);
  const result = await run;
  assert.equal(result.elapsedMs, 1000);
  assert.equal(recorder.totals.scheduled, 50);
  assert.deepEqual(
    records.map((r) => r.scheduledAt),
    Array.from({ length: 50 }, (_, k) => k * 20),
  );
  assert.ok(records.every((r) => r.latencyMs === 5 && r.outcome === 'ok'));
  assert.equal(recorder.totals.late, 0);
  assert.deepEqual(
    recorder.timeline.map((s) => [s.second, s.ok]),
    [[0, 50]],
  );
  assert.equal(clock.pending, 0, 'no timer is left behind');
});

test('one slow connection: sends wait for it and count as late; latency still counts from the schedule', async () => {
  // due every 20 ms, 30 ms each: request k starts at 30k and ends at 30k + 30, 10k + 30 after it was due
  const { clock, records, recorder, run } = virtualRun({}, () => 30, 1);
  await clock.advance(5000);
  const result = await run;
  assert.equal(recorder.totals.scheduled, 50);
  assert.deepEqual(
    records.map((r) => r.latencyMs),
    Array.from({ length: 50 }, (_, k) => 10 * k + 30),
  );
  // late: started more than 10 ms after due, i.e. 10k > 10, k >= 2; all of them waited for the connection
  assert.equal(recorder.totals.late, 48);
  assert.equal(result.lateWaitingForConnection, 48);
  assert.equal(recorder.latency().max, 520);
});

test('timeouts on the clock: each request times out timeoutMs after it was due (within one sweep)', async () => {
  // sweep every timeoutMs / 20 = 15 ms
  const { clock, records, run, transport } = virtualRun(
    { rate: 10, timeoutMs: 300 },
    () => undefined,
  );
  await clock.advance(2000);
  await run;
  assert.equal(records.length, 10);
  for (const r of records) {
    assert.equal(r.outcome, 'timeout');
    assert.ok(r.latencyMs >= 300 && r.latencyMs < 315, `latency ${r.latencyMs}`);
  }
  assert.equal(transport().cancelled, 10, 'each timed-out request is given up once');
  assert.equal(transport().busy, 0);
});

test('closed loop on the clock: each of the connections sends again as soon as it is answered', async () => {
  const { clock, recorder, run, transport } = virtualRun(
    { rate: null, durationMs: 100, concurrency: 4 },
    () => 10,
    4,
  );
  await clock.advance(1000);
  await run;
  // rounds at 0, 10, …, 90 ms of four requests each
  assert.equal(recorder.totals.scheduled, 40);
  assert.equal(recorder.totals.ok, 40);
  assert.equal(transport().maxBusy, 4);
});

test('abort on the clock: requests in flight get one second, then count as cancelled', async () => {
  // even requests are answered after 50 ms, odd ones never
  const controller = new AbortController();
  const { clock, records, recorder, run, transport } = virtualRun(
    { rate: 10, durationMs: null, signal: controller.signal },
    (i) => (i % 2 === 0 ? 50 : undefined),
  );
  await clock.advance(260); // requests at 0, 100, 200 ms; the one at 100 ms is still waiting
  controller.abort();
  await clock.advance(999);
  assert.equal(records.length, 2, 'still within the grace');
  await clock.advance(1);
  const result = await run;
  assert.equal(result.aborted, true);
  assert.equal(result.elapsedMs, 260);
  assert.deepEqual(recorder.totals, {
    scheduled: 3,
    sent: 3,
    ok: 2,
    failed: 0,
    late: 0,
    retried: 0,
    cancelled: 1,
  });
  assert.deepEqual(
    recorder.timeline.map((row) => [row.second, row.ok, row.cancelled]),
    [[0, 2, 1]],
    'the cancelled request shows in the second it was scheduled in',
  );
  assert.equal(transport().cancelled, 1);
  assert.equal(transport().closed, true);
});

// Against real servers on loopback: invariants that hold however busy the machine is.

test('open model: a slow server does not slow the schedule; waits count as latency and late sends', async () => {
  // One connection, at least 50 ms per response, 40 requests per second: the client cannot keep up.
  // Request k cannot end before (k + 1) × 50 ms and was due at k × 25 ms: every bound below follows.
  const records: RequestRecord[] = [];
  await withHttpServer(
    (_req, res) => setTimeout(() => res.end('ok'), 50),
    async (url) => {
      const result = await runLoad({
        url,
        rate: 40,
        durationMs: 1000,
        connections: 1,
        timeoutMs: 60_000,
        onRequest: (r) => records.push(r),
      });
      assert.equal(result.totals.scheduled, 40, 'the schedule does not depend on the server');
      assert.equal(result.totals.ok, 40);
      // (a Node timer may fire up to 1 ms early: 49 ms per response, not 50)
      for (const r of records) {
        const k = r.scheduledAt / 25;
        assert.ok(r.latencyMs >= 24 * k + 49, `request ${k}: latency ${r.latencyMs}`);
      }
      // request k starts after k responses, at >= 49k ms: more than 10 ms late for every k >= 1
      assert.ok(result.totals.late >= 39, `late ${result.totals.late}`);
      // request k finds the connection free only if its send was delayed by 24k ms or more: almost
      // every late send waited for the connection, so the warning names that cause
      assert.ok(
        result.client.lateWaitingForConnection >= 20,
        `${result.client.lateWaitingForConnection}`,
      );
      assert.ok(result.client.warnings.some((w) => w.includes('waited for a free connection')));
      assertAccounted(result, records);
    },
  );
});

test('a server that never answers: every request times out, counted from its scheduled send time', async () => {
  const records: RequestRecord[] = [];
  await withTcpServer(
    () => {},
    async (url) => {
      const result = await runLoad({
        url,
        rate: 20,
        durationMs: 500,
        timeoutMs: 300,
        onRequest: (r) => records.push(r),
      });
      assert.deepEqual(occurred(result), { timeout: 10 });
      assert.ok(records.every((r) => r.latencyMs >= 300));
      assertAccounted(result, records);
    },
  );
});

test('closed loop: every connection sends again as soon as it is answered, never more at once', async () => {
  // The run ends when the server has answered 200 requests (or after 30 s at most): no count below
  // depends on how fast the machine is.
  let active = 0;
  let maxActive = 0;
  let served = 0;
  const end = new AbortController();
  await withHttpServer(
    (_req, res) => {
      maxActive = Math.max(maxActive, ++active);
      res.end('ok', () => {
        active--;
        if (++served === 200) end.abort();
      });
    },
    async (url) => {
      const result = await runLoad({
        url,
        rate: 1,
        closedLoop: true,
        connections: 4,
        durationMs: 30_000,
        endSignal: end.signal,
      });
      assert.equal(result.options.rate, null);
      assert.ok(result.totals.ok >= 200, `ok ${result.totals.ok}`);
      assert.equal(result.totals.failed, 0);
      assert.ok(maxActive <= 4, `at most 4 requests at once, saw ${maxActive}`);
      assert.equal(result.totals.sent, result.totals.scheduled);
      assertAccounted(result);
    },
  );
});

test('closed loop against a server that never answers: each request ends by its timeout and is replaced', async () => {
  const records: RequestRecord[] = [];
  const end = new AbortController();
  await withTcpServer(
    () => {},
    async (url) => {
      const result = await runLoad({
        url,
        rate: 1,
        closedLoop: true,
        connections: 2,
        durationMs: 30_000,
        timeoutMs: 200,
        endSignal: end.signal,
        onRequest: (r) => {
          records.push(r);
          if (records.length === 6) end.abort();
        },
      });
      // six timeouts end the run; the other connection's request still gets its outcome
      assert.equal(result.totals.ok, 0);
      assert.ok(
        result.failures.timeout >= 6 && result.failures.timeout <= 7,
        `${result.failures.timeout}`,
      );
      assert.ok(records.every((r) => r.outcome === 'timeout' && r.latencyMs >= 200));
      assertAccounted(result, records);
    },
  );
});

test('an abort stops the run early and still returns the result', async () => {
  const controller = new AbortController();
  const records: RequestRecord[] = [];
  await withHttpServer(
    (_req, res) => res.end('ok'),
    async (url) => {
      const result = await runLoad({
        url,
        rate: 100,
        durationMs: 60_000,
        signal: controller.signal,
        onRequest: (r) => {
          records.push(r);
          if (records.length === 20) controller.abort();
        },
      });
      assert.equal(result.aborted, true);
      assert.ok(result.totals.scheduled >= 20 && result.elapsedMs < 60_000);
      assertAccounted(result, records);
    },
  );
});

test('the auto pool follows the median of each second, not a stall of the client', () => {
  const pool = autoPoolSize();
  assert.equal(pool.limit(), 64);
  // a second of 2 ms requests at 1,000 per second, with a fifth of them caught in a 700 ms stall
  for (let i = 0; i < 1000; i++) pool.observe(i % 5 === 0 ? 700 : 2, 1000, i);
  pool.observe(2, 1000, 1000);
  assert.equal(pool.limit(), 64, '2 × 1000/s × 2 ms = 4 connections: the minimum stands');
  // then the server slows to 200 ms a request: 2 × 1000/s × 0.2 s + 1
  for (let i = 0; i <= 1000; i++) pool.observe(200, 1000, 1001 + i);
  assert.ok(Math.abs(pool.limit() - 401) <= 4, `limit ${pool.limit()}`);
  for (let i = 0; i <= 1000; i++) pool.observe(60_000, 1000, 2002 + i);
  assert.equal(pool.limit(), 1024, 'never above the maximum');
  assert.equal(pool.autoPeak, 1024);
});
