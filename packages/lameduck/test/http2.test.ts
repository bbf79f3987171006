import assert from 'node:assert/strict';
import { once } from 'node:events';
import {
  type ClientHttp2Session,
  connect,
  constants,
  createSecureServer,
  createServer,
  type ServerHttp2Stream,
} from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { test } from 'node:test';
import { delay, listen, testLameduck } from './support/harness.ts';
import { tls } from './support/tls.ts';

/** Resolves the next time the server receives a /slow stream. */
let slowArrived: () => void = () => {};
const nextSlow = () => new Promise<void>((resolve) => (slowArrived = resolve));

function respond(stream: ServerHttp2Stream, headers: { ':path'?: string }) {
  const wait = headers[':path'] === '/slow' ? 300 : 0;
  if (wait) slowArrived();
  setTimeout(() => {
    if (stream.destroyed) return;
    stream.respond({ ':status': 200 });
    stream.end('ok');
  }, wait);
}

function get(session: ClientHttp2Session, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':path': path });
    let status = 0;
    req.on('response', (h) => {
      status = Number(h[':status']);
    });
    req.on('error', reject);
    req.resume();
    req.on('end', () => resolve(status));
  });
}

/** A plain-text HTTP/2 server under lameduck, and a client session that has completed one stream. */
async function h2c(drainDelay: number) {
  const { lameduck } = testLameduck({ drainDelay });
  const server = createServer();
  server.on('stream', respond);
  lameduck.register(server);
  const port = await listen(server);
  const session = connect(`http://127.0.0.1:${port}`);
  session.on('error', () => {});
  assert.equal(await get(session, '/fast'), 200);
  return { lameduck, port, session };
}

test('HTTP/2: in-flight streams finish after GOAWAY; a new stream goes to a new connection and is served', async () => {
  const { lameduck, port, session } = await h2c(400);
  const goaway = once(session, 'goaway');
  const arrived = nextSlow();
  const slow = get(session, '/slow');
  await arrived;
  const shutdown = lameduck.shutdown('test');
  const [code] = (await goaway) as [number];
  assert.equal(code, constants.NGHTTP2_NO_ERROR);
  assert.equal(await slow, 200, 'the in-flight stream completes');
  // The client now opens a new connection; the listener is still open while draining.
  const second = connect(`http://127.0.0.1:${port}`);
  second.on('error', () => {});
  const secondGoaway = once(second, 'goaway');
  assert.equal(await get(second, '/fast'), 200);
  await secondGoaway; // ...and that session is told to go away after its first stream.
  const report = await shutdown;
  assert.equal(report.outcome, 'clean');
  assert.equal(report.served.whileDraining, 1, 'only the second stream arrived while draining');
  assert.ok(report.connections.goawaysSent >= 2);
  session.close();
  second.close();
});

test('HTTP/2: streams the client sent while the GOAWAY was on its way are served, not refused', async () => {
  const { lameduck, session } = await h2c(300);
  const shutdown = lameduck.shutdown('test');
  // Sent in the same tick as the drain starts: they cross the server's GOAWAY on the wire.
  const burst = await Promise.allSettled(Array.from({ length: 20 }, () => get(session, '/fast')));
  const refused = burst.filter((r) => r.status === 'rejected');
  assert.deepEqual(refused, [], 'no stream may be refused');
  assert.ok(burst.every((r) => r.status === 'fulfilled' && r.value === 200));
  assert.equal((await shutdown).outcome, 'clean');
  session.close();
});

test('secure HTTP/2 with HTTP/1 fallback: both protocols drain on one server', async () => {
  const { lameduck } = testLameduck({ drainDelay: 300 });
  const server = createSecureServer({ ...tls, allowHTTP1: true }, (req, res) => {
    setTimeout(() => res.end(`hello over ${req.httpVersion}`), 150);
  });
  lameduck.register(server);
  const port = await listen(server);
  const h2 = connect(`https://127.0.0.1:${port}`, { ca: tls.cert });
  h2.on('error', () => {});
  const h2Goaway = once(h2, 'goaway');
  const h2Stream = get(h2, '/');
  const h1 = new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path: '/', ca: tls.cert, agent: false },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
  await delay(60);
  const shutdown = lameduck.shutdown('test');
  assert.equal(await h2Stream, 200);
  await h2Goaway;
  assert.deepEqual(await h1, { status: 200, connection: 'close' });
  assert.equal((await shutdown).outcome, 'clean');
  h2.close();
});
