import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { test } from 'node:test';
import { runLoad } from '../../src/load/index.ts';
import { Progress } from '../../src/load/progress.ts';
import { clientWarnings } from '../../src/load/warnings.ts';
import { withHttpServer, withTcpServer } from './servers.ts';

test('open model: a slow server does not slow the schedule; waits count as latency and late sends', async () => {
  // One connection, 50 ms per response, 40 requests per second: the client cannot keep up.
  await withHttpServer(
    (_req, res) => setTimeout(() => res.end('ok'), 50),
    async (url) => {
      const result = await runLoad({ url, rate: 40, durationMs: 1000, connections: 1 });
      assert.equal(result.totals.scheduled, 40, 'the schedule does not depend on the server');
      assert.equal(result.totals.ok, 40);
      assert.ok(result.totals.late > 20, `late ${result.totals.late}`);
      // request k waits for k-1 responses of 50 ms while due every 25 ms: the last waits ~1 s
      assert.ok((result.latency.max ?? 0) > 700, `max ${result.latency.max}`);
      assert.ok((result.latency.p50 ?? 0) > 200, `p50 ${result.latency.p50}`);
      assert.ok(result.client.lateWaitingForConnection > 20);
      assert.ok(result.client.warnings.some((w) => w.includes('waited for a free connection')));
    },
  );
});

test('keep-alive off opens a connection per request; max requests per connection is honoured', async () => {
  let connections = 0;
  const count = (server: Server) =>
    server.on('connection', () => {
      connections++;
    });
  await withHttpServer(
    (_req, res) => res.end('ok'),
    async (url, server) => {
      count(server);
      const off = await runLoad({ url, rate: 40, durationMs: 500, keepalive: false });
      assert.equal(off.totals.ok, 20);
      assert.equal(connections, 20);
      connections = 0;
      const capped = await runLoad({ url, rate: 40, durationMs: 500, maxRequestsPerConnection: 5 });
      assert.equal(capped.totals.ok, 20);
      assert.equal(connections, 4);
      connections = 0;
      const reused = await runLoad({ url, rate: 40, durationMs: 500 });
      assert.equal(reused.totals.ok, 20);
      assert.ok(connections <= 2, `connections ${connections}`);
    },
  );
});

test('invalid options are rejected before any request, naming the option', async () => {
  await assert.rejects(runLoad({ url: 'ftp://x/', rate: 1 }), {
    code: 'ERR_LAMEDUCK_LOAD_INVALID_OPTION',
    message: /"url": expected an http:\/\/ or https:\/\/ URL, received "ftp:\/\/x\/"/,
  });
  await assert.rejects(runLoad({ url: 'http://127.0.0.1/', rate: -5 }), {
    code: 'ERR_LAMEDUCK_LOAD_INVALID_OPTION',
    message: /"rate": expected a number of requests per second > 0, received -5/,
  });
  await assert.rejects(runLoad({ url: 'http://127.0.0.1/', rate: 1, connections: 1.5 }), {
    message: /"connections": expected a whole number >= 1, received 1.5/,
  });
  await assert.rejects(
    runLoad({ url: 'http://127.0.0.1/', rate: 1, headers: { 'x-a': 'b\r\nc' } }),
    { message: /"headers": expected values without CR or LF/ },
  );
  await assert.rejects(
    runLoad({ url: 'http://127.0.0.1/', rate: 1, http2: true, headers: { Connection: 'close' } }),
    {
      message:
        /"headers": expected no connection-specific header with HTTP\/2, received "Connection"/,
    },
  );
});

test('credentials never reach the recorded options', async () => {
  await withHttpServer(
    (req, res) => res.end(req.headers.authorization ?? ''),
    async (url) => {
      const withUser = url.replace('http://', 'http://user:secret@');
      const result = await runLoad({
        url: withUser,
        rate: 20,
        durationMs: 100,
        headers: { Cookie: 'a=b' },
      });
      assert.equal(result.totals.ok, 2);
      assert.doesNotMatch(JSON.stringify(result.options), /secret|a=b/);
      assert.equal(result.options.headers.Cookie, '<redacted>');
    },
  );
});

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

test('the live progress line rewrites itself and is erased at the end', () => {
  let out = '';
  const progress = new Progress((text) => {
    out += text;
  });
  progress.second({ second: 0, ok: 10, failures: {}, late: 0, p50: 1, p99: 2 });
  progress.second({ second: 1, ok: 8, failures: { refused: 2 }, late: 0, p50: 1, p99: 2 });
  progress.clear();
  const frames = out.split('\r\u001b[2K');
  assert.deepEqual(frames.slice(1), [
    '  1s  ok 10  failed 0  p99 2.00 ms',
    '  2s  ok 18  failed 2 (+2 in the last second)  p99 2.00 ms',
    '',
  ]);
});

test('an IPv6 loopback URL works', async (t) => {
  const { createServer } = await import('node:http');
  const server = createServer((_req, res) => res.end('ok'));
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => resolve(true));
  });
  if (!listening) return t.skip('no IPv6 loopback on this machine');
  try {
    const { port } = server.address() as import('node:net').AddressInfo;
    const result = await runLoad({ url: `http://[::1]:${port}/`, rate: 20, durationMs: 250 });
    assert.equal(result.totals.ok, 5);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('closed loop: each connection sends again as soon as it is answered, or timed out', async () => {
  await withHttpServer(
    (_req, res) => res.end('ok'),
    async (url) => {
      const result = await runLoad({
        url,
        rate: 1,
        closedLoop: true,
        connections: 4,
        durationMs: 300,
      });
      assert.equal(result.options.rate, null);
      assert.ok(result.totals.ok > 50, `ok ${result.totals.ok}`);
      assert.equal(result.totals.sent, result.totals.scheduled);
    },
  );
  await withTcpServer(
    () => {},
    async (url) => {
      const result = await runLoad({
        url,
        rate: 1,
        closedLoop: true,
        connections: 2,
        durationMs: 1000,
        timeoutMs: 200,
      });
      // two requests in flight at any time, each ending after 200 ms: about ten in one second
      assert.ok(
        result.failures.timeout >= 6 && result.failures.timeout <= 14,
        `${result.failures.timeout}`,
      );
      assert.equal(result.totals.ok, 0);
    },
  );
});
