// Every example app, started as a real process, under steady keep-alive traffic, given a real
// SIGTERM: no request may fail while the pod drains, and the process must exit 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AppProcess } from '../packages/lameduck/test/support/child.ts';
import { delay, until } from '../packages/lameduck/test/support/harness.ts';
import { keepAliveTraffic } from '../packages/lameduck/test/support/traffic.ts';

const DRAIN_MS = 900;
const env = {
  LAMEDUCK_DRAIN_DELAY: `${DRAIN_MS}ms`,
  LAMEDUCK_GRACE_PERIOD: '10s',
  LAMEDUCK_ADMIN_PORT: '0',
  LAMEDUCK_ADMIN_HOST: '127.0.0.1',
  PORT: '0',
};

for (const name of ['plain-http', 'express', 'fastify']) {
  test(`examples/${name}: zero failed requests across a SIGTERM, then exit 0`, async () => {
    const file = fileURLToPath(new URL(`./${name}/server.ts`, import.meta.url));
    const app = new AppProcess(['--import', 'tsx', file], env);
    const port = await app.port();
    await until(() => app.log('serving') !== undefined, 10_000, 'ready');
    const traffic = keepAliveTraffic(port, { clients: 4, maxMs: 20_000 });
    await until(() => traffic.result.ok >= 20, 10_000, 'traffic before the signal');
    const before = traffic.result.ok;
    app.kill('SIGTERM');
    await until(() => app.log('draining') !== undefined, 5000, 'draining');
    // Clients keep sending for most of the delay, as they would until the endpoint update reaches them.
    await delay(DRAIN_MS - 300);
    const result = await traffic.stop();
    assert.deepEqual(result.failed, {}, `failed requests: ${JSON.stringify(result.failed)}`);
    assert.ok(result.ok > before, 'requests were served while draining');
    assert.ok(result.closing >= 4, 'draining responses carried Connection: close');
    const { code } = await app.exited;
    assert.equal(code, 0, app.stderrText.join(''));
    const report = app.log('stopped')?.report as { outcome: string } | undefined;
    assert.equal(report?.outcome, 'clean');
  });
}

test('examples/sse-websocket: SSE streams get a goodbye event, WebSockets close 1001, exit 0', async () => {
  const { WebSocket } = await import('ws');
  const { get } = await import('node:http');
  const file = fileURLToPath(new URL('./sse-websocket/server.ts', import.meta.url));
  const app = new AppProcess(['--import', 'tsx', file], env);
  const port = await app.port();
  await until(() => app.log('serving') !== undefined, 10_000, 'ready');
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  await new Promise((resolve) => ws.once('open', resolve));
  const wsClosed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const sse = new Promise<string>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/events' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve(body));
      res.on('error', reject);
    }).on('error', reject);
  });
  await delay(250);
  app.kill('SIGTERM');
  assert.equal(await wsClosed, 1001);
  assert.match(await sse, /data: 0\n\n[\s\S]*event: bye\ndata: server going away, reconnect\n\n$/);
  assert.equal((await app.exited).code, 0, app.stderrText.join(''));
});

test('examples/http2: a client that reconnects on GOAWAY loses no stream across a SIGTERM', async () => {
  const http2 = await import('node:http2');
  const { readFileSync } = await import('node:fs');
  const ca = readFileSync(
    new URL('../packages/lameduck/test/fixtures/test-cert.pem', import.meta.url),
  );
  const file = fileURLToPath(new URL('./http2/server.ts', import.meta.url));
  const app = new AppProcess(['--import', 'tsx', file], env);
  const port = await app.port();
  await until(() => app.log('serving') !== undefined, 10_000, 'ready');
  const open = () => http2.connect(`https://127.0.0.1:${port}`, { ca }).on('error', () => {});
  let session = open();
  let sessions = 1;
  const failed: string[] = [];
  let ok = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      if (session.closed || session.destroyed) {
        session = open();
        sessions++;
      }
      const current = session;
      await new Promise<void>((resolve) => {
        const req = current.request({ ':path': '/' });
        req.on('response', (headers) => {
          if (headers[':status'] === 200) ok++;
          else failed.push(String(headers[':status']));
        });
        req.on('error', (error: NodeJS.ErrnoException) => {
          failed.push(error.code ?? error.message);
          resolve();
        });
        req.resume();
        req.on('end', resolve);
      });
      await delay(5);
    }
  })();
  await until(() => ok >= 20, 10_000, 'streams before the signal');
  const before = ok;
  app.kill('SIGTERM');
  await until(() => app.log('draining') !== undefined, 5000, 'draining');
  await delay(DRAIN_MS - 300);
  running = false;
  await loop;
  session.close();
  assert.deepEqual(failed, []);
  assert.ok(ok > before, 'streams were served while draining');
  assert.ok(sessions >= 2, 'the client moved to a new connection after the GOAWAY');
  assert.equal((await app.exited).code, 0, app.stderrText.join(''));
});
