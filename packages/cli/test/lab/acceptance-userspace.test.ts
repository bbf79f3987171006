import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatReport } from '../../src/lab/report.ts';
import { SCENARIOS } from '../../src/lab/scenarios.ts';
import { classes, quickMatrix } from './matrix.ts';

// Connection-level failure classes: what a client sees when its pod goes away under it.
const CONNECTION = new Set(['refused', 'reset', 'closed-before-response']);

test('userspace proxy: every naive scenario loses requests, lameduck loses none', async () => {
  const results = await quickMatrix(SCENARIOS, 'userspace', 'off');
  const by = new Map(results.map((r) => [r.name, r]));
  const report = `\n${formatReport(results)}`;
  for (const name of ['naive', 'sigterm-exit', 'prestop-sleep', 'shell-entrypoint']) {
    const r = by.get(name);
    assert.ok(r, name);
    assert.equal(r.error, undefined, `${name}: ${r.error}`);
    assert.ok(r.requests > 200, `${name} sent ${r.requests} requests${report}`);
    assert.ok(r.failed > 0, `${name} should lose requests${report}`);
    for (const c of classes(r))
      assert.ok(CONNECTION.has(c), `${name}: unexpected class ${c}${report}`);
  }
  const lameduck = by.get('lameduck');
  assert.ok(lameduck && lameduck.requests > 200, report);
  assert.equal(lameduck.error, undefined);
  assert.deepEqual(lameduck.failures, {}, `lameduck loses nothing${report}`);
  assert.equal(lameduck.failed, 0);
  // The story of each scenario shows in its pod events.
  const events = (name: string) => by.get(name)?.events.map((e) => e.type) ?? [];
  assert.ok(events('prestop-sleep').includes('prestop-done'));
  assert.ok(!events('lameduck').includes('sigkill'), 'lameduck drains within the grace period');
  assert.ok(events('lameduck').includes('proxy-synced'), 'proxies learned of the terminating pods');
});
