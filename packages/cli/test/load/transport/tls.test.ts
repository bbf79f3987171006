import assert from 'node:assert/strict';
import { createServer as createHttpsServer } from 'node:https';
import { before, test } from 'node:test';
import { runLoad } from '../../../src/load/index.ts';
import { type Credentials, selfSigned } from '../support/certificate.ts';
import { serve } from '../support/serve.ts';

let credentials: Credentials | undefined;
before(async () => {
  credentials = await selfSigned();
});

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
