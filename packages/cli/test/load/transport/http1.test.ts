import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, LookupFunction, Socket } from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RequestRecord, runLoad } from '../../../src/load/index.ts';
import { assertAccounted, occurred } from '../support/invariants.ts';
import {
  closedPort,
  kill,
  OK_RESPONSE,
  onRequests,
  spawnServer,
  withHttpServer,
  withTcpServer,
} from '../support/servers.ts';

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

/** Counts, per connection, the requests a server received. */
function perConnection(server: Server): number[] {
  const counts: number[] = [];
  const index = new WeakMap<Socket, number>();
  server.on('connection', (socket: Socket) => {
    index.set(socket, counts.push(0) - 1);
  });
  server.on('request', (req) => {
    const i = index.get(req.socket) as number;
    counts[i] = (counts[i] as number) + 1;
  });
  return counts;
}

test('keep-alive off: a new connection for every request', async () => {
  await withHttpServer(
    (_req, res) => res.end('ok'),
    async (url, server) => {
      const counts = perConnection(server);
      const result = await runLoad({ url, rate: 40, durationMs: 500, keepalive: false });
      assert.equal(result.totals.ok, 20);
      assert.deepEqual(counts, Array(20).fill(1));
    },
  );
});

test('max requests per connection is honoured: no connection serves more, every request is served once', async () => {
  await withHttpServer(
    (_req, res) => res.end('ok'),
    async (url, server) => {
      const counts = perConnection(server);
      // with a pool of one, the connections follow each other: exactly 4 of 5 requests each
      const single = await runLoad({
        url,
        rate: 40,
        durationMs: 500,
        connections: 1,
        maxRequestsPerConnection: 5,
      });
      assert.equal(single.totals.ok, 20);
      assert.deepEqual(counts, [5, 5, 5, 5]);
      // with the default pool, how many connections open depends on how the sends bunch up; none
      // ever serves more than 5 requests
      counts.length = 0;
      const pooled = await runLoad({ url, rate: 40, durationMs: 500, maxRequestsPerConnection: 5 });
      assert.equal(pooled.totals.ok, 20);
      assert.ok(Math.max(...counts) <= 5, `requests per connection: ${counts}`);
      assert.equal(
        counts.reduce((a, b) => a + b, 0),
        20,
      );
      assert.ok(counts.length >= 4);
    },
  );
});

test('keep-alive reuses the connection: a pool of one serves every request on one connection', async () => {
  await withHttpServer(
    (_req, res) => res.end('ok'),
    async (url, server) => {
      const counts = perConnection(server);
      const reused = await runLoad({ url, rate: 40, durationMs: 500, connections: 1 });
      assert.equal(reused.totals.ok, 20);
      assert.deepEqual(counts, [20]);
      // a larger pool opens a connection only when every open one is busy: never more than requests
      counts.length = 0;
      const pooled = await runLoad({ url, rate: 40, durationMs: 500, connections: 8 });
      assert.equal(pooled.totals.ok, 20);
      assert.ok(counts.length <= 8, `connections ${counts.length}`);
      assert.equal(
        counts.reduce((a, b) => a + b, 0),
        20,
      );
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
      // Every request fails, and as a reset. Once in a full suite beside a CPU burner (CI, 1 of 20)
      // the kernel delivered one of these closes as a FIN, which is closed-before-response and is
      // checked as such in its own test; that rare degrade is tolerated here, never anything else.
      const { reset = 0, 'closed-before-response': closed = 0, ...others } = occurred(result);
      assert.deepEqual(others, {}, JSON.stringify(result.samples));
      assert.equal(reset + closed, 20);
      assert.ok(reset >= 10, `most are resets: ${reset} of 20; ${JSON.stringify(result.samples)}`);
      assertAccounted(result);
    },
  );
});

test('a server that closes a keep-alive connection when the next request arrives: closed-before-response', async () => {
  // The first request on each connection is answered (keep-alive); the second one is read and the
  // server closes the connection (FIN) without a response. With a pool of one, requests alternate.
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
      // the first request on every connection is answered
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

test('a name that does not resolve: dns', async () => {
  const lookup = ((_host: string, _options: unknown, callback: (error: Error) => void) => {
    callback(
      Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' }),
    );
  }) as unknown as LookupFunction;
  const result = await runLoad(
    { url: 'http://nowhere.invalid/', rate: 20, durationMs: 250 },
    { lookup },
  );
  assert.deepEqual(occurred(result), { dns: 5 });
});

test('an IPv6 loopback URL works', async (t) => {
  const server = createServer((_req, res) => res.end('ok'));
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => resolve(true));
  });
  if (!listening) return t.skip('no IPv6 loopback on this machine');
  try {
    const { port } = server.address() as AddressInfo;
    const result = await runLoad({ url: `http://[::1]:${port}/`, rate: 20, durationMs: 250 });
    assert.equal(result.totals.ok, 5);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a server killed and restarted during the run: the failures are where the outage was', async () => {
  // Times are taken in this process (performance.now) around the kill and the restart; a request's
  // scheduled time is at least `started + scheduledAt` (the run's clock starts after `started`).
  const first = await spawnServer();
  const url = `http://127.0.0.1:${first.port}/`;
  const records: (RequestRecord & { endedAt: number })[] = [];
  const end = new AbortController();
  const started = performance.now();
  const run = runLoad({
    url,
    rate: 100,
    durationMs: 60_000,
    endSignal: end.signal,
    onRequest: (r) => records.push({ ...r, endedAt: performance.now() }),
  });
  await sleep(1000);
  const killedAt = performance.now();
  await kill(first.child);
  await sleep(500);
  const second = await spawnServer(first.port);
  const upAt = performance.now();
  await sleep(1000);
  end.abort();
  try {
    const result = await run;
    assertAccounted(result, records);
    const failed = records.filter((r) => r.outcome !== 'ok');
    assert.ok(failed.length > 0, 'requests failed while the server was down');
    assert.ok(result.failures.refused > 0, 'refused while nothing listened');
    for (const r of failed) {
      assert.ok(['refused', 'reset', 'closed-before-response'].includes(r.outcome), r.outcome);
      // a failure cannot come before the kill, nor to a request scheduled after the restart
      assert.ok(r.endedAt >= killedAt, `failed at ${r.endedAt - started} ms, before the kill`);
      assert.ok(
        started + r.scheduledAt < upAt,
        `scheduled at ${r.scheduledAt} ms, after the restart`,
      );
    }
    assert.ok(
      records.some((r) => r.outcome === 'ok' && started + r.scheduledAt > upAt),
      'ok again after the restart',
    );
  } finally {
    await kill(second.child);
  }
});
