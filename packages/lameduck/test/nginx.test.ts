// Behind a real nginx (Debian's) with upstream keep-alive and no retries: two replicas, one
// terminated mid-load while nginx drops it late (a reload after the SIGTERM), mixed GET/POST with
// some requests longer than the drain delay. With lameduck: no request fails. Without: some do.
// The larger run is in `npm run bench -- runtime`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NGINX } from './support/nginx.ts';
import { rollingUpdate } from './support/rolling.ts';

const skip = NGINX ? false : 'nginx is not installed (run scripts/system-deps.mjs as root)';
const plan = {
  drainDelayMs: 800,
  reloadAfterMs: 300,
  clients: 8,
  beforeMs: 600,
  afterMs: 1500,
  longMs: 1200,
};

test('nginx, a replica terminated mid-load and dropped late: zero failed requests with lameduck', {
  skip,
}, async () => {
  const result = await rollingUpdate({ ...plan, lameduck: true });
  assert.deepEqual(result.failed, {}, JSON.stringify(result));
  assert.ok(result.ok > 20, `requests were served (${result.ok})`);
  assert.ok(
    result.servedByTerminatedAfterSignal > 0,
    'the terminated replica kept serving while nginx still sent to it',
  );
  assert.equal(result.terminatedExit, 0);
});

test('the same without lameduck: requests fail', { skip }, async () => {
  const result = await rollingUpdate({ ...plan, lameduck: false });
  assert.ok(result.failures > 0, `no request failed without lameduck: ${JSON.stringify(result)}`);
});
