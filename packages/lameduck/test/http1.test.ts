import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { test } from 'node:test';
import { FIN_LINGER_MS } from '../src/http1.ts';
import { connectOutcome, delay, httpServer, testLameduck, until } from './support/harness.ts';
import { RawClient } from './support/raw-client.ts';

const slow = (ms: number) => (_req: unknown, res: import('node:http').ServerResponse) => {
  setTimeout(() => res.end('done'), ms);
};

test('an in-flight request on a keep-alive connection completes and gets Connection: close', async () => {
  const { lameduck } = testLameduck({ drainDelay: 300 });
  const { port } = await httpServer(lameduck, slow(200));
  const client = await RawClient.connect(port);
  // First request makes the connection a keep-alive one.
  const first = await client.request('/');
  assert.equal(first.headers.connection, 'keep-alive');
  client.send('/');
  await delay(50); // the second request is in flight
  const shutdown = lameduck.shutdown('test');
  const response = await client.readResponse();
  assert.equal(response.status, 200);
  assert.equal(response.body, 'done');
  assert.equal(response.headers.connection, 'close');
  assert.equal(await client.waitEnding(), 'fin');
  const report = await shutdown;
  assert.equal(report.outcome, 'clean');
  assert.equal(report.exitCode, 0);
});

test('an idle keep-alive connection is served during the delay, then ended with a FIN', async () => {
  const { lameduck } = testLameduck({ drainDelay: 400 });
  const { port } = await httpServer(lameduck, (_req, res) => res.end('ok'));
  const idle = await RawClient.connect(port);
  const busy = await RawClient.connect(port);
  assert.equal((await idle.request('/')).headers.connection, 'keep-alive');
  assert.equal((await busy.request('/')).headers.connection, 'keep-alive');
  const shutdown = lameduck.shutdown('test');
  await delay(100);
  // Still open during the delay, and a request on it is served — with Connection: close.
  assert.equal(idle.ending, 'open');
  const during = await busy.request('/');
  assert.equal(during.status, 200);
  assert.equal(during.headers.connection, 'close');
  assert.equal(await busy.waitEnding(), 'fin');
  // The idle one stays open until the delay is over, then gets a FIN (not a reset).
  assert.equal(idle.ending, 'open');
  assert.equal(await idle.waitEnding(), 'fin');
  const report = await shutdown;
  assert.ok(
    report.timeline.closingAfterMs >= 380,
    `closing after ${report.timeline.closingAfterMs} ms`,
  );
  assert.equal(report.connections.endedIdle, 1);
  assert.equal(report.served.whileDraining, 1);
  assert.equal(report.outcome, 'clean');
});

test('a new connection during the delay is served; after it, it is refused (never accepted then reset)', async () => {
  const { lameduck } = testLameduck({ drainDelay: 300 });
  const { port } = await httpServer(lameduck, slow(400));
  // An in-flight request keeps the process in closing after the delay.
  const holder = await RawClient.connect(port);
  holder.send('/');
  await delay(30);
  const shutdown = lameduck.shutdown('test');
  assert.equal(await connectOutcome(port), 'status 200');
  await until(() => lameduck.phase === 'closing', 2000, 'closing');
  assert.equal(await connectOutcome(port), 'ECONNREFUSED');
  assert.equal((await holder.readResponse()).status, 200);
  assert.equal((await shutdown).outcome, 'clean');
});

test('reusing a keep-alive socket right after an in-flight response never gets ECONNRESET', async () => {
  const { lameduck } = testLameduck({ drainDelay: 500 });
  const { port } = await httpServer(lameduck, slow(100));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<{ status: number; connection: string | undefined; reused: boolean }>(
      (resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          res.resume();
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              connection: res.headers.connection,
              reused: req.reusedSocket,
            }),
          );
        });
        req.on('error', reject);
        req.end();
      },
    );
  await get();
  const inFlight = get();
  await delay(30);
  const shutdown = lameduck.shutdown('test');
  const first = await inFlight;
  assert.equal(first.connection, 'close');
  // The very next request: the agent must not reuse the closed socket; it opens a new one, which
  // the draining server still accepts and serves.
  const next = await get();
  assert.equal(next.status, 200);
  assert.equal(next.reused, false);
  agent.destroy();
  assert.equal((await shutdown).outcome, 'clean');
});

test('SSE: the stream is told to end when closing begins and ends cleanly', async () => {
  const { lameduck } = testLameduck({ drainDelay: 200 });
  const { port } = await httpServer(lameduck, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const tick = setInterval(() => res.write('data: tick\n\n'), 20);
    lameduck.closing.addEventListener('abort', () => {
      clearInterval(tick);
      res.end('event: bye\ndata: server going away\n\n');
    });
  });
  const client = await RawClient.connect(port);
  const response = client.readResponse();
  client.send('/events');
  await delay(100);
  const report = await lameduck.shutdown('test');
  const sse = await response;
  assert.equal(sse.status, 200);
  assert.match(sse.body, /data: tick/);
  assert.match(sse.body, /event: bye\ndata: server going away\n\n$/);
  assert.equal(report.outcome, 'clean');
  assert.ok(report.timeline.closingAfterMs >= 190);
});

test('a request that outlives the deadline is cut, reported, and the exit code says forced', async () => {
  const { lameduck, proc } = testLameduck({
    drainDelay: 100,
    gracePeriod: 900,
    deadlineMargin: 300,
    exit: true,
  });
  const { port } = await httpServer(lameduck, () => {
    /* never answers */
  });
  const client = await RawClient.connect(port);
  client.send('/hang');
  await delay(30);
  const report = await lameduck.shutdown('test');
  assert.equal(report.outcome, 'forced');
  assert.equal(report.forcedBy, 'deadline');
  assert.equal(report.cut.requests, 1);
  assert.equal(report.cut.connections, 1);
  assert.equal(report.exitCode, 124);
  assert.equal(proc.exitCode, 124);
  assert.ok(report.timeline.stoppedAfterMs >= 580 && report.timeline.stoppedAfterMs < 2000);
  assert.notEqual(await client.waitEnding(), 'open');
});

test('readiness fails at once when draining while liveness stays 200; probes on the app port too', async () => {
  const { lameduck } = testLameduck({ drainDelay: 400, appProbes: true, readiness: 'manual' });
  const { port } = await httpServer(lameduck, (_req, res) => res.end('app'));
  const probe = async (path: string) => {
    const c = await RawClient.connect(port);
    const r = await c.request(path);
    c.close();
    return `${r.status} ${r.body.trim()}`;
  };
  assert.equal(await probe('/readyz'), '503 not ready');
  assert.equal(await probe('/startupz'), '503 starting');
  assert.equal(await probe('/livez'), '200 ok');
  lameduck.ready();
  assert.equal(await probe('/readyz'), '200 ready');
  assert.equal(await probe('/'), '200 app');
  const shutdown = lameduck.shutdown('test');
  assert.equal(await probe('/readyz'), '503 shutting down');
  assert.equal(await probe('/livez'), '200 ok');
  assert.equal(await probe('/startupz'), '200 started');
  assert.equal(await probe('/'), '200 app');
  await shutdown;
});

test('auto readiness: ready once every registered server listens', async () => {
  const { lameduck } = testLameduck();
  assert.equal(lameduck.phase, 'starting');
  const { server } = await httpServer(lameduck, (_req, res) => res.end());
  await until(() => lameduck.isReady, 2000, 'ready');
  assert.equal(lameduck.phase, 'serving');
  server.close();
  lameduck.dispose();
});

test('a peer that keeps a FIN-ended idle connection half-open does not hold the shutdown', async () => {
  const { lameduck } = testLameduck({ drainDelay: 100 });
  const { port } = await httpServer(lameduck, (_req, res) => res.end('ok'));
  // RawClient keeps its side open after the server's FIN (allowHalfOpen), as some clients do.
  const clients = await Promise.all(Array.from({ length: 20 }, () => RawClient.connect(port)));
  for (const client of clients) await client.request('/');
  const report = await lameduck.shutdown('test');
  assert.equal(report.outcome, 'clean');
  assert.equal(report.connections.endedIdle, 20);
  // Drained as soon as every idle connection had its FIN: no waiting for the peers, nor for the linger.
  assert.ok(
    report.timeline.drainedAfterMs - report.timeline.closingAfterMs < FIN_LINGER_MS,
    `drained ${report.timeline.drainedAfterMs - report.timeline.closingAfterMs} ms after closing began`,
  );
  for (const client of clients) assert.equal(await client.waitEnding(), 'fin');
});

test('HTTPS: a TCP connection that never starts its TLS handshake does not hold the shutdown', async () => {
  const { createServer } = await import('node:https');
  const { connect } = await import('node:net');
  const { tls } = await import('./support/tls.ts');
  const { listen } = await import('./support/harness.ts');
  const { lameduck } = testLameduck({ drainDelay: 100, gracePeriod: 5000, firstRequestGrace: 200 });
  const server = createServer(tls, (_req, res) => res.end('ok'));
  lameduck.register(server);
  const port = await listen(server);
  const probe = connect(port, '127.0.0.1'); // like a TCP health check: connects, says nothing
  probe.on('error', () => {});
  await new Promise((resolve) => probe.once('connect', resolve));
  const report = await lameduck.shutdown('test');
  assert.equal(report.outcome, 'clean');
  assert.ok(
    report.timeline.stoppedAfterMs < 2000,
    `stopped after ${report.timeline.stoppedAfterMs} ms`,
  );
  probe.destroy();
});

test('pipelined requests in flight when the drain begins are all answered; only the last closes', async () => {
  const { lameduck } = testLameduck({ drainDelay: 200 });
  const { port } = await httpServer(lameduck, slow(150));
  const client = await RawClient.connect(port);
  // Three requests in one write, as a pipelining client sends them.
  client.socket.write('GET /1 HTTP/1.1\r\nHost: t\r\n\r\n'.repeat(3));
  await delay(50);
  const shutdown = lameduck.shutdown('test');
  const answers = [
    await client.readResponse(),
    await client.readResponse(),
    await client.readResponse(),
  ];
  assert.deepEqual(
    answers.map((r) => [r.status, r.headers.connection]),
    [
      [200, 'keep-alive'],
      [200, 'keep-alive'],
      [200, 'close'],
    ],
  );
  assert.equal(await client.waitEnding(), 'fin');
  assert.equal((await shutdown).outcome, 'clean');
});

test('a request that races the FIN of an idle connection never reaches the app and is reported as cut', async () => {
  const { lameduck } = testLameduck({ drainDelay: 100 });
  const seen: string[] = [];
  const { port } = await httpServer(lameduck, (req, res) => {
    seen.push(req.url ?? '');
    setTimeout(() => res.end('ok'), req.url === '/long' ? 600 : 0);
  });
  const client = await RawClient.connect(port);
  await client.request('/before');
  const holder = await RawClient.connect(port); // keeps the shutdown open meanwhile
  holder.send('/long');
  await until(() => seen.length === 2, 2000, 'the long request');
  const report = lameduck.shutdown('test');
  await client.waitEnding(); // the FIN arrived; this client sends anyway, as a racing one would
  client.send('/after-fin');
  await assert.rejects(client.readResponse());
  const result = await report;
  assert.deepEqual(seen, ['/before', '/long'], 'the racing request never reached the app');
  assert.equal((await holder.readResponse()).status, 200);
  assert.equal(result.cut.raced, 1);
  assert.equal(result.cut.requests, 1);
  assert.equal(result.outcome, 'failed');
  assert.equal(result.exitCode, 1);
});

test('a request whose headers are still arriving when closing begins is waited for and answered', async () => {
  const { lameduck } = testLameduck({ drainDelay: 100, firstRequestGrace: 50 });
  const { port } = await httpServer(lameduck, (_req, res) => res.end('ok'));
  const client = await RawClient.connect(port);
  client.socket.write('GET /slow-headers HTTP/1.1\r\nHo');
  const shutdown = lameduck.shutdown('test');
  await until(() => lameduck.phase === 'closing', 2000, 'closing');
  await delay(200); // well past firstRequestGrace: bytes arrived, so the connection is not unused
  client.socket.write('st: t\r\n\r\n');
  const response = await client.readResponse();
  assert.equal(response.status, 200);
  assert.equal(response.headers.connection, 'close');
  assert.equal((await shutdown).outcome, 'clean');
});
