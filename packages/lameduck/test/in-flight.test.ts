// Finding 1 of issue #10: a keep-alive connection that is idle when closing starts, plus a request
// still running when the drain delay ends. When the idle connection closed, the busy one was
// destroyed and the report said `clean`, exit 0. Reproduced here in-process (HTTP and HTTPS) and in
// real processes under `node --import lameduck/auto` with node:http, node:https, Express, Fastify,
// Koa and NestJS: the long request must complete, and only then may the shutdown end.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AppProcess } from './support/child.ts';
import { delay, httpServer, listen, testLameduck, until } from './support/harness.ts';
import { RawClient } from './support/raw-client.ts';
import { tls } from './support/tls.ts';

const DRAIN_MS = 300;
const LONG_MS = 1200; // longer than the drain delay

/** An idle keep-alive client that closes its side as soon as the server's FIN arrives. */
async function idleKeepAlive(connect: () => Promise<RawClient>): Promise<RawClient> {
  const idle = await connect();
  const first = await idle.request('/');
  assert.equal(first.headers.connection, 'keep-alive');
  idle.socket.once('end', () => idle.socket.end());
  return idle;
}

for (const secure of [false, true]) {
  test(`${secure ? 'HTTPS' : 'HTTP'}: an idle connection closing does not end the shutdown while a long request runs`, async () => {
    const { lameduck } = testLameduck({ drainDelay: DRAIN_MS });
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      setTimeout(() => res.end('done'), req.url === '/long' ? LONG_MS : 0);
    };
    let port: number;
    if (secure) {
      const server = createHttps(tls, handler);
      server.keepAliveTimeout = 30_000;
      lameduck.register(server);
      port = await listen(server);
    } else {
      port = (await httpServer(lameduck, handler)).port;
    }
    const connect = () => (secure ? RawClient.connectTls(port, tls.cert) : RawClient.connect(port));
    const idle = await idleKeepAlive(connect);
    const busy = await connect();
    busy.send('/long');
    await delay(50);
    let responseAt = 0;
    const response = busy.readResponse().then((r) => {
      responseAt = performance.now();
      return r;
    });
    response.catch(() => {});
    let stoppedAt = 0;
    lameduck.once('stopped', () => {
      stoppedAt = performance.now();
    });
    const report = await lameduck.shutdown('test');
    assert.equal(await idle.waitEnding(), 'fin');
    assert.equal((await response).body, 'done');
    assert.ok(
      responseAt > 0 && responseAt <= stoppedAt,
      'the shutdown ended only after the long response reached the client',
    );
    assert.equal(report.outcome, 'clean');
    assert.equal(report.cut.requests, 0);
  });
}

const apps = fileURLToPath(new URL('./fixtures/apps/', import.meta.url));
const cases: { name: string; file: string; env?: Record<string, string> }[] = [
  { name: 'node:http', file: 'node-http.mjs' },
  { name: 'node:https', file: 'node-http.mjs', env: { TLS: '1' } },
  { name: 'Express 5', file: 'express.mjs' },
  { name: 'Fastify 5', file: 'fastify.mjs' },
  { name: 'Koa 3', file: 'koa.mjs' },
  { name: 'NestJS', file: 'nest.mjs' },
];

for (const { name, file, env = {} } of cases) {
  test(`lameduck/auto with ${name}: a request longer than the drain delay completes, then exit 0`, async () => {
    const app = new AppProcess(['--import', 'lameduck/auto', `${apps}${file}`], {
      LAMEDUCK_DRAIN_DELAY: `${DRAIN_MS}ms`,
      LAMEDUCK_GRACE_PERIOD: '10s',
      LAMEDUCK_ADMIN_PORT: '0',
      ...env,
    });
    const port = await app.port();
    await until(() => app.log('serving') !== undefined, 10_000, 'ready');
    const connect = () =>
      env.TLS ? RawClient.connectTls(port, tls.cert) : RawClient.connect(port);
    const idle = await idleKeepAlive(connect);
    const busy = await connect();
    busy.send(`/?ms=${LONG_MS}`);
    await delay(50);
    const response = busy.readResponse();
    response.catch(() => {});
    app.kill('SIGTERM');
    assert.equal(await idle.waitEnding(), 'fin');
    const answer = await response;
    assert.equal(answer.status, 200);
    assert.equal(answer.body, 'hello');
    const { code } = await app.exited;
    assert.equal(code, 0, app.stderrText.join(''));
    const report = app.log('stopped')?.report as { outcome: string; cut: { requests: number } };
    assert.equal(report.outcome, 'clean');
    assert.equal(report.cut.requests, 0);
  });
}
