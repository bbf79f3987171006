// HTTP/2 against a server that is not Node: nginx, which ends every connection after
// `keepalive_requests` streams with a GOAWAY (NO_ERROR) naming the last stream it processed — a
// correctly draining server. Streams the client had already sent beyond it are refused, and a real
// client retries them. The count to match is nginx's own access log; h2load (nghttp2's load tool)
// shows that an independent client's successes agree with that log.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { runLoad } from '../../../src/load/index.ts';
import { type Credentials, selfSigned } from '../support/certificate.ts';
import { assertAccounted, occurred } from '../support/invariants.ts';
import { hasNginx, type Nginx, startNginx } from '../support/nginx.ts';
import { closedPort } from '../support/servers.ts';

const hasH2load = spawnSync('sh', ['-c', 'command -v h2load'], { stdio: 'ignore' }).status === 0;
const skip = !hasNginx() ? 'nginx is not installed (scripts/system-packages.txt)' : false;

let nginx: Nginx | undefined;
let h2cPort = 0;
let tlsPort = 0;
let credentials: Credentials | undefined;

before(async () => {
  if (skip) return;
  credentials = await selfSigned();
  h2cPort = await closedPort();
  tlsPort = await closedPort();
  const tls = credentials
    ? `server {
    listen 127.0.0.1:${tlsPort} ssl http2;
    ssl_certificate {dir}/cert.pem;
    ssl_certificate_key {dir}/key.pem;
    keepalive_requests 10;
    location / { return 200 "ok"; }
  }`
    : '';
  const blocks = `server {
    listen 127.0.0.1:${h2cPort} http2;
    keepalive_requests 10;
    location / { return 200 "ok"; }
  }
  ${tls}`;
  nginx = await startNginx(blocks, h2cPort, (dir) => {
    if (!credentials) return;
    writeFileSync(join(dir, 'cert.pem'), credentials.cert);
    writeFileSync(join(dir, 'key.pem'), credentials.key);
  });
});

after(async () => {
  await nginx?.stop();
});

/** Access-log lines of one path with status 200. */
const served = (path: string) =>
  (nginx as Nginx).accessLog().filter((line) => line.startsWith(`${path} 200 HTTP/2`)).length;

/** h2load's count of successful requests (`… N succeeded, …`). */
async function h2loadSucceeded(url: string, requests: number): Promise<number> {
  const { stdout } = await promisify(execFile)('h2load', ['-n', String(requests), '-c', '1', url], {
    timeout: 30_000,
  });
  const match = /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded/.exec(stdout);
  assert.ok(match, stdout);
  return Number(match[1]);
}

for (const scheme of ['h2c', 'h2 over TLS'] as const) {
  test(`nginx ${scheme}: a GOAWAY every 10 streams fails no request; ok matches nginx's access log`, async (t) => {
    if (skip) return t.skip(skip);
    if (scheme !== 'h2c' && !credentials) return t.skip('openssl is not available');
    const base = scheme === 'h2c' ? `http://127.0.0.1:${h2cPort}` : `https://127.0.0.1:${tlsPort}`;
    const path = `/lameduck-${scheme === 'h2c' ? 'h2c' : 'tls'}`;
    // a burst of streams per tick at this rate: some are in flight when each GOAWAY arrives
    const result = await runLoad({
      url: `${base}${path}`,
      rate: 2000,
      durationMs: 500,
      http2: true,
      insecure: true,
    });
    assertAccounted(result);
    assert.deepEqual(occurred(result), {}, JSON.stringify(result.samples));
    assert.equal(result.totals.ok, result.totals.scheduled);
    assert.equal(result.totals.ok, served(path), 'every ok is a response nginx logged');
    t.diagnostic(`${result.totals.retried} of ${result.totals.scheduled} retried after a GOAWAY`);

    if (!hasH2load) return;
    const h2loadPath = `/h2load-${scheme === 'h2c' ? 'h2c' : 'tls'}`;
    // h2load does not reconnect after a GOAWAY: it completes what one connection allows
    const succeeded = await h2loadSucceeded(`${base}${h2loadPath}`, 40);
    assert.equal(succeeded, served(h2loadPath), 'h2load agrees with the access log');
  });
}
