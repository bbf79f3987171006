// Readiness control as lightship and terminus users rely on it: notReady()/ready() at any time,
// health checks with timeouts and their results as JSON, holds that keep the drain open for work
// outside HTTP, and the opt-in graceful path on a crash.
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createLameduck } from '../src/index.ts';
import { AppProcess } from './support/child.ts';
import {
  delay,
  FakeProcess,
  fetchText,
  httpServer,
  testLameduck,
  until,
} from './support/harness.ts';

function fetchJson(
  port: number,
  path: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    get(
      { host: '127.0.0.1', port, path, agent: false, headers: { accept: 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    ).on('error', reject);
  });
}

test('notReady(reason) fails readiness while serving goes on; ready() restores it', async () => {
  const { lameduck } = testLameduck({ admin: { port: 0, host: '127.0.0.1' } });
  const admin = await lameduck.adminAddress();
  assert.ok(admin);
  const { port } = await httpServer(lameduck, (_req, res) => res.end('app'));
  await until(() => lameduck.isReady, 2000, 'ready');
  lameduck.notReady('database unreachable');
  assert.equal(lameduck.isReady, false);
  assert.deepEqual(await fetchText(admin.port, '/readyz'), { status: 503, body: 'not ready\n' });
  assert.deepEqual(await fetchJson(admin.port, '/readyz'), {
    status: 503,
    body: { status: 'not ready', phase: 'serving', reason: 'database unreachable' },
  });
  assert.equal((await fetchText(admin.port, '/livez')).status, 200, 'liveness is not readiness');
  assert.equal((await fetchText(port, '/')).body, 'app', 'the app still serves');
  lameduck.ready();
  assert.deepEqual(await fetchText(admin.port, '/readyz'), { status: 200, body: 'ready\n' });
  await lameduck.shutdown('test');
});

test('health checks run per probe request with a timeout; results as JSON on request', async () => {
  const { lameduck } = testLameduck({ admin: { port: 0, host: '127.0.0.1' } });
  let dbUp = true;
  lameduck.healthCheck('db', async () => {
    if (!dbUp) throw new Error('connection refused');
  });
  lameduck.healthCheck('cache', () => new Promise(() => {}), { timeout: '50ms' });
  lameduck.healthCheck('event-loop', () => {}, { probe: 'liveness' });
  const admin = await lameduck.adminAddress();
  assert.ok(admin);
  await httpServer(lameduck, (_req, res) => res.end());
  await until(() => lameduck.isReady, 2000, 'ready');
  const failing = await fetchJson(admin.port, '/readyz?verbose');
  assert.equal(failing.status, 503);
  assert.equal(failing.body.status, 'not ready');
  const checks = failing.body.checks as Record<string, { ok: boolean; error?: string }>;
  assert.equal(checks.db?.ok, true);
  assert.deepEqual([checks.cache?.ok, checks.cache?.error], [false, 'timed out after 50 ms']);
  assert.equal(checks['event-loop'], undefined, 'liveness checks are not readiness checks');
  const live = await fetchJson(admin.port, '/livez');
  assert.equal(live.status, 200);
  assert.deepEqual(Object.keys(live.body.checks as object), ['event-loop']);
  dbUp = false;
  const down = await fetchJson(admin.port, '/readyz');
  assert.equal(
    (down.body.checks as Record<string, { error?: string }>).db?.error,
    'connection refused',
  );
  assert.throws(() => lameduck.healthCheck('db', () => {}), {
    code: 'ERR_LAMEDUCK_INVALID_OPTION',
  });
  assert.throws(() => lameduck.healthCheck('x', () => {}, { timeout: 0 }), /greater than 0/);
  await lameduck.shutdown('test');
});

test('a hold keeps the drain open for non-HTTP work; the hooks run after it is released', async () => {
  const { lameduck } = testLameduck({ drainDelay: 50 });
  const events: string[] = [];
  lameduck.hook('close-queue', () => {
    events.push('hook');
  });
  const release = lameduck.hold('queue-consumer');
  lameduck.draining.addEventListener('abort', () => {
    events.push('stop consuming');
    // The last message takes a while to finish.
    setTimeout(() => {
      events.push('last message done');
      release();
      release(); // twice is harmless
    }, 200);
  });
  const report = await lameduck.shutdown('test');
  assert.deepEqual(events, ['stop consuming', 'last message done', 'hook']);
  assert.equal(report.outcome, 'clean');
  assert.deepEqual(report.cut.holds, []);
});

test('a hold still held at the deadline is cut and named; the exit code says forced', async () => {
  const { lameduck } = testLameduck({ drainDelay: 0, gracePeriod: 400, deadlineMargin: 100 });
  lameduck.hold('batch-job');
  const report = await lameduck.shutdown('test');
  assert.equal(report.outcome, 'forced');
  assert.deepEqual(report.cut.holds, ['batch-job']);
  assert.equal(report.exitCode, 124);
});

test('drainOnCrash: an uncaught exception drains in-flight requests, then exits 70', async () => {
  const app = fileURLToPath(new URL('./fixtures/apps/crashing.mjs', import.meta.url));
  const proc = new AppProcess([app], {});
  const port = await proc.port();
  const { RawClient } = await import('./support/raw-client.ts');
  const busy = await RawClient.connect(port);
  busy.send('/?ms=400');
  await delay(50);
  const crash = await RawClient.connect(port);
  crash.send('/crash');
  assert.equal((await busy.readResponse()).body, 'hello', 'the request in flight completes');
  const { code } = await proc.exited;
  assert.equal(code, 70, proc.stderrText.join(''));
  assert.equal(proc.log('crash')?.kind, 'uncaughtException');
  const report = proc.log('stopped')?.report as { outcome: string; reason: string };
  assert.deepEqual([report.outcome, report.reason], ['crashed', 'uncaughtException']);
  assert.match(proc.stderrText.join(''), /uncaughtException: Error: boom/);
});

test('without drainOnCrash lameduck leaves crashes to Node (exit 1 at once)', async () => {
  const proc = new FakeProcess();
  const lameduck = createLameduck({ admin: false, logger: false, exit: false, process: proc });
  assert.equal(proc.listenerCount('uncaughtException'), 0);
  lameduck.dispose();
});
