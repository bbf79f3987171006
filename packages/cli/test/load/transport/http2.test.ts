import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttp2Server, createSecureServer } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { type LoadOptions, runLoad } from '../../src/load/index.ts';
import { closedPort } from './servers.ts';

const dir = mkdtempSync(join(tmpdir(), 'lameduck-tls-'));
let credentials: { key: Buffer; cert: Buffer } | undefined;

before(async () => {
  try {
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    credentials = {
      key: readFileSync(join(dir, 'key.pem')),
      cert: readFileSync(join(dir, 'cert.pem')),
    };
  } catch {
    credentials = undefined;
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

type Closable = {
  listen(port: number, host: string): unknown;
  close(cb?: () => void): unknown;
  address(): unknown;
};

async function serve<T>(
  server: Closable & NodeJS.EventEmitter,
  body: (port: number) => Promise<T>,
) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    return await body((server.address() as AddressInfo).port);
  } finally {
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    await new Promise((resolve) => server.close(() => resolve(undefined)));
  }
}

test('a self-signed certificate: tls failures, or ok with insecure', async (t) => {
  if (!credentials) return t.skip('openssl is not available to make a certificate');
  const server = createHttpsServer(credentials, (_req, res) => res.end('ok'));
  await serve(server, async (port) => {
    const url = `https://127.0.0.1:${port}/`;
    const strict = await runLoad({ url, rate: 20, durationMs: 250 });
    assert.deepEqual(strict.failures.tls, 5);
    assert.equal(strict.totals.ok, 0);
    assert.match(strict.samples[0]?.message ?? '', /self.signed/i);
    const insecure = await runLoad({ url, rate: 20, durationMs: 250, insecure: true });
    assert.equal(insecure.totals.ok, 5);
  });
});

/** 40 requests per second over HTTP/2. */
const http2Load = (url: string, durationMs: number, extra: Partial<LoadOptions> = {}) =>
  runLoad({ url, rate: 40, durationMs, http2: true, ...extra });

test('HTTP/2 cleartext (h2c): statuses are classified per stream', async () => {
  let n = 0;
  const server = createHttp2Server((_req, res) => {
    res.statusCode = ++n % 2 === 0 ? 503 : 200;
    res.end('x');
  });
  await serve(server, async (port) => {
    const result = await http2Load(`http://127.0.0.1:${port}/`, 500);
    assert.equal(result.totals.ok, 10);
    assert.equal(result.failures['http-503'], 10);
    assert.equal(result.totals.failed, 10);
  });
});

test('HTTP/2 over TLS with insecure; a closed port is refused', async (t) => {
  if (!credentials) return t.skip('openssl is not available to make a certificate');
  const server = createSecureServer(credentials, (_req, res) => res.end('ok'));
  await serve(server, async (port) => {
    const result = await http2Load(`https://127.0.0.1:${port}/`, 250, {
      insecure: true,
      maxRequestsPerConnection: 3,
    });
    assert.equal(result.totals.ok, 10);
  });
  const closed = await closedPort();
  const refused = await http2Load(`http://127.0.0.1:${closed}/`, 250);
  assert.equal(refused.failures.refused, 10);
});

test('HTTP/2 GOAWAY: new streams go to a new session; streams the server refused are closed-before-response', async () => {
  let n = 0;
  // every fifth response, the server closes its session gracefully (GOAWAY), as a draining pod does
  const server = createHttp2Server((req, res) => {
    res.end('ok');
    if (++n % 5 === 0) req.stream.session?.close();
  });
  await serve(server, async (port) => {
    const result = await http2Load(`http://127.0.0.1:${port}/`, 1000);
    assert.equal(result.totals.scheduled, 40);
    assert.ok(result.totals.ok >= 30, `ok ${result.totals.ok}`);
    assert.equal(result.totals.failed, result.failures['closed-before-response']);
  });
});
