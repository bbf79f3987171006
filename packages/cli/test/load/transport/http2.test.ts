import assert from 'node:assert/strict';
import { lookup } from 'node:dns';
import { createServer as createHttp1Server } from 'node:http';
import { createServer as createHttp2Server, createSecureServer } from 'node:http2';
import type { LookupFunction } from 'node:net';
import { before, test } from 'node:test';
import { type LoadOptions, runLoad } from '../../../src/load/index.ts';
import { type Credentials, selfSigned } from '../support/certificate.ts';
import { assertAccounted } from '../support/invariants.ts';
import { serve } from '../support/serve.ts';
import { closedPort } from '../support/servers.ts';

let credentials: Credentials | undefined;
before(async () => {
  credentials = await selfSigned();
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
    assertAccounted(result);
  });
});

test('HTTP/2 over TLS with insecure; a closed port is refused', async (t) => {
  if (!credentials) return t.skip('openssl is not available to make a certificate');
  let sessions = 0;
  const server = createSecureServer(credentials, (_req, res) => res.end('ok'));
  server.on('session', () => sessions++);
  await serve(server, async (port) => {
    const result = await http2Load(`https://127.0.0.1:${port}/`, 250, {
      insecure: true,
      maxRequestsPerConnection: 3,
    });
    assert.equal(result.totals.ok, 10);
    // at most 3 streams per session: at least 4 sessions for 10 requests
    assert.ok(sessions >= 4, `sessions ${sessions}`);
  });
  const closed = await closedPort();
  const refused = await http2Load(`http://127.0.0.1:${closed}/`, 250);
  assert.equal(refused.failures.refused, 10);
});

test('HTTP/2 GOAWAY after every fifth response: new streams go to a new session, none fails', async () => {
  let handled = 0;
  let sessions = 0;
  // every fifth response, the server closes its session gracefully (GOAWAY), as a draining pod does:
  // streams it had not processed are refused, and retried once on a new session
  const server = createHttp2Server((req, res) => {
    res.end('ok');
    if (++handled % 5 === 0) req.stream.session?.close();
  });
  server.on('session', () => sessions++);
  await serve(server, async (port) => {
    const result = await http2Load(`http://127.0.0.1:${port}/`, 1000);
    assert.equal(result.totals.scheduled, 40);
    assert.equal(result.totals.ok, 40, JSON.stringify(result.samples));
    assert.equal(
      result.totals.ok,
      handled,
      'one response per request: nothing was sent twice to a server that processed it',
    );
    assert.ok(sessions >= 8, `sessions ${sessions}`);
    assertAccounted(result);
  });
});

test('a host name: every connection that needs it while it is being resolved waits for one lookup', async () => {
  // a resolver that takes 200 ms: ten new connections (keep-alive off, 100 per second) start while
  // the first lookup is still running, over HTTP/1.1 and over HTTP/2
  for (const http2 of [false, true]) {
    const server = http2
      ? createHttp2Server((_req, res) => res.end('ok'))
      : createHttp1Server((_req, res) => res.end('ok'));
    await serve(server, async (port) => {
      let calls = 0;
      const slow: LookupFunction = (hostname, options, callback) => {
        calls++;
        setTimeout(() => lookup(hostname, options, callback), 200);
      };
      const result = await runLoad(
        { url: `http://localhost:${port}/`, rate: 100, durationMs: 100, keepalive: false, http2 },
        { lookup: slow },
      );
      assertAccounted(result);
      assert.equal(result.totals.ok, 10, JSON.stringify(result.samples));
      // one lookup for all of them (two if the machine stalled the schedule past the first one)
      assert.ok(calls <= 2, `${calls} lookups for ${http2 ? 'HTTP/2' : 'HTTP/1.1'}`);
    });
  }
});
