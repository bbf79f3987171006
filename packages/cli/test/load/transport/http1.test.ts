import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type FailureClass,
  type LoadResult,
  runLoad,
  type TimelineSecond,
} from '../../src/load/index.ts';
import {
  closedPort,
  kill,
  OK_RESPONSE,
  onRequests,
  spawnServer,
  withHttpServer,
  withTcpServer,
} from './servers.ts';

/** The failure classes that occurred, with their counts. */
function occurred(result: LoadResult): Partial<Record<FailureClass, number>> {
  return Object.fromEntries(Object.entries(result.failures).filter(([, n]) => n > 0));
}

function assertAccounted(result: LoadResult): void {
  const { scheduled, ok, failed, sent } = result.totals;
  assert.equal(ok + failed, scheduled, 'every scheduled request ends as ok or failed');
  assert.ok(sent <= scheduled);
  const perSecond = result.timeline.reduce(
    (sum, s) => sum + s.ok + Object.values(s.failures).reduce((a, b) => a + b, 0),
    0,
  );
  assert.equal(perSecond, scheduled, 'the timeline accounts for every scheduled request');
}

test('a healthy server: every request ok, latency percentiles and one timeline row per second', async () => {
  await withHttpServer(
    (_req, res) => res.end('ok'),
    async (url) => {
      const result = await runLoad({ url, rate: 100, durationMs: 2000 });
      assert.equal(result.totals.scheduled, 200);
      assert.equal(result.totals.ok, 200);
      assert.deepEqual(occurred(result), {});
      assert.deepEqual(
        result.timeline.map((s) => [s.second, s.ok]),
        [
          [0, 100],
          [1, 100],
        ],
      );
      const { p50, p99, max } = result.latency;
      assert.ok(p50 !== null && p99 !== null && max !== null);
      assert.ok(p50 > 0 && p50 <= p99 && p99 <= max);
      assertAccounted(result);
    },
  );
});

test('a closed port: every request is refused', async () => {
  const port = await closedPort();
  const result = await runLoad({ url: `http://127.0.0.1:${port}/`, rate: 50, durationMs: 500 });
  assert.deepEqual(occurred(result), { refused: 25 });
  assert.equal(result.totals.sent, 25);
  assert.match(result.samples[0]?.message ?? '', /ECONNREFUSED/);
  assertAccounted(result);
});

test('a server that resets the connection in the middle of the response: reset', async () => {
  await withTcpServer(
    (socket) =>
      onRequests(socket, () => {
        // Part of the body, then an RST. A reset while the write is still pending (or from inside
        // its callback) degrades to a FIN, and under CPU load a plain 5 ms timer could fire before
        // the write's completion was processed (seen once in a full-suite run): wait for the write.
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial', () => {
          setTimeout(() => socket.resetAndDestroy(), 5);
        });
      }),
    async (url) => {
      const result = await runLoad({ url, rate: 40, durationMs: 500 });
      assert.deepEqual(occurred(result), { reset: 20 });
      assertAccounted(result);
    },
  );
});

test('a server that closes a keep-alive connection when the next request arrives: closed-before-response', async () => {
  // The first request on each connection is answered (keep-alive); the second one is read and the
  // server closes the connection (FIN) without a response.
  await withTcpServer(
    (socket) =>
      onRequests(socket, (index) => {
        if (index === 0) socket.write(OK_RESPONSE);
        else socket.end();
      }),
    async (url) => {
      const result = await runLoad({ url, rate: 40, durationMs: 500, connections: 1 });
      assert.equal(result.totals.scheduled, 20);
      assert.deepEqual(occurred(result), { 'closed-before-response': 10 });
      assert.equal(result.totals.ok, 10);
      assertAccounted(result);
    },
  );
});

test('a server that closes idle keep-alive connections just as requests are sent: closed-before-response or reset', async () => {
  // Each response is followed, one request interval later, by the server closing the connection:
  // the close races the client's next request on it. Which side wins varies; the loss must show up
  // as closed-before-response (FIN first) or reset (RST first), never as anything else.
  await withTcpServer(
    (socket) =>
      onRequests(socket, () => {
        socket.write(OK_RESPONSE);
        setTimeout(() => socket.end(), 20).unref();
      }),
    async (url) => {
      const result = await runLoad({ url, rate: 50, durationMs: 1000, connections: 4 });
      for (const name of Object.keys(occurred(result))) {
        assert.ok(['closed-before-response', 'reset'].includes(name), `unexpected class ${name}`);
      }
      assert.ok(result.totals.ok > 0);
      assertAccounted(result);
    },
  );
});

test('503 and 502 responses are counted by status', async () => {
  let n = 0;
  await withHttpServer(
    (_req, res) => {
      n++;
      res.statusCode = n % 4 === 0 ? 503 : n % 4 === 1 ? 502 : n % 4 === 2 ? 500 : 200;
      res.end();
    },
    async (url) => {
      const result = await runLoad({ url, rate: 80, durationMs: 500 });
      assert.deepEqual(occurred(result), { 'http-502': 10, 'http-5xx': 10, 'http-503': 10 });
      assert.equal(result.totals.ok, 10);
      assertAccounted(result);
    },
  );
});

test('4xx responses are ok unless failOn4xx', async () => {
  await withHttpServer(
    (_req, res) => {
      res.statusCode = 404;
      res.end();
    },
    async (url) => {
      const lenient = await runLoad({ url, rate: 40, durationMs: 250 });
      assert.equal(lenient.totals.ok, 10);
      const strict = await runLoad({ url, rate: 40, durationMs: 250, failOn4xx: true });
      assert.deepEqual(occurred(strict), { 'http-4xx': 10 });
    },
  );
});

test('a server that never answers: timeout, counted from the scheduled send time', async () => {
  await withTcpServer(
    () => {},
    async (url) => {
      const started = Date.now();
      const result = await runLoad({ url, rate: 20, durationMs: 500, timeoutMs: 300 });
      assert.deepEqual(occurred(result), { timeout: 10 });
      assert.ok(Date.now() - started < 5000, 'the run ends soon after the last timeout');
      assertAccounted(result);
    },
  );
});

test('a name that does not resolve: dns', async () => {
  const lookup = ((_host: string, _options: unknown, callback: (error: Error) => void) => {
    callback(
      Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' }),
    );
  }) as unknown as import('node:net').LookupFunction;
  const result = await runLoad(
    { url: 'http://nowhere.invalid/', rate: 20, durationMs: 250 },
    { lookup },
  );
  assert.deepEqual(occurred(result), { dns: 5 });
});

test('a server killed and restarted during the run: the timeline shows where', async () => {
  const first = await spawnServer();
  const url = `http://127.0.0.1:${first.port}/`;
  const started = Date.now();
  const run = runLoad({ url, rate: 100, durationMs: 5000, timeoutMs: 1000 });
  await sleep(1000);
  const killedAt = (Date.now() - started) / 1000;
  await kill(first.child);
  await sleep(500);
  const second = await spawnServer(first.port);
  const upAt = (Date.now() - started) / 1000;
  try {
    const result = await run;
    assertAccounted(result);
    const failedIn = (row: TimelineSecond) =>
      Object.values(row.failures).reduce((a, b) => a + b, 0);
    assert.equal(result.timeline.length, 5);
    for (const row of result.timeline) {
      // the run's clock starts a little after `started`: a second is clearly before the kill, or
      // clearly after the restart, with a margin of a quarter second
      if (row.second + 1 < killedAt - 0.25) assert.equal(failedIn(row), 0, `second ${row.second}`);
      if (row.second > upAt + 0.25) {
        assert.equal(failedIn(row), 0, `second ${row.second} after the restart`);
        assert.ok(row.ok > 0);
      }
    }
    assert.ok(result.failures.refused > 0, 'refused while the server was down');
    const outage = result.timeline.filter((row) => failedIn(row) > 0).map((row) => row.second);
    assert.ok(
      outage.length > 0 &&
        outage.every((s) => s >= Math.floor(killedAt - 0.25) && s <= upAt + 0.25),
      `failures in seconds ${outage}`,
    );
    for (const name of Object.keys(occurred(result))) {
      assert.ok(['refused', 'reset', 'closed-before-response'].includes(name), name);
    }
  } finally {
    await kill(second.child);
  }
});

test('an abort stops the run early and still returns the result', async () => {
  await withHttpServer(
    (_req, res) => res.end('ok'),
    async (url) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const records: number[] = [];
      const result = await runLoad({
        url,
        rate: 100,
        signal: controller.signal,
        onRequest: (r) => records.push(r.scheduledAt),
      });
      assert.equal(result.aborted, true);
      assert.ok(result.totals.scheduled > 10 && result.totals.scheduled < 100);
      assert.equal(records.length, result.totals.scheduled, 'onRequest once per scheduled request');
      assertAccounted(result);
    },
  );
});
