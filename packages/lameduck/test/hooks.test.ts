import assert from 'node:assert/strict';
import { test } from 'node:test';
import { delay, httpServer, testLameduck } from './support/harness.ts';

test('hooks run after the servers drained, in reverse registration order', async () => {
  const { lameduck } = testLameduck({ drainDelay: 50 });
  const events: string[] = [];
  const { port } = await httpServer(lameduck, (_req, res) => setTimeout(() => res.end(), 150));
  void port;
  lameduck.hook('db', async () => {
    events.push('db');
  });
  lameduck.hook('queue', () => {
    events.push('queue');
  });
  lameduck.on('phase', (e) => events.push(e.phase));
  const report = await lameduck.shutdown('test');
  assert.deepEqual(events, ['draining', 'closing', 'queue', 'db', 'stopped']);
  assert.deepEqual(
    report.hooks.map((h) => [h.name, h.outcome]),
    [
      ['queue', 'ok'],
      ['db', 'ok'],
    ],
  );
  assert.equal(report.outcome, 'clean');
});

test('a hanging hook times out, a throwing one fails; both are named and the others still run', async () => {
  const { lameduck, proc } = testLameduck({ drainDelay: 0, exit: true, hookTimeout: 150 });
  const ran: string[] = [];
  let aborted: unknown;
  lameduck.hook('flush-logs', () => {
    ran.push('flush-logs');
  });
  lameduck.hook('hangs', (signal) => {
    ran.push('hangs');
    return new Promise(() => {
      signal.addEventListener('abort', () => {
        aborted = signal.reason;
      });
    });
  });
  lameduck.hook('throws', () => {
    ran.push('throws');
    throw new TypeError('pool already closed');
  });
  const report = await lameduck.shutdown('test');
  assert.deepEqual(ran, ['throws', 'hangs', 'flush-logs']);
  const byName = Object.fromEntries(report.hooks.map((h) => [h.name, h]));
  assert.equal(byName.throws?.outcome, 'failed');
  assert.equal(byName.throws?.error, 'TypeError: pool already closed');
  assert.equal(byName.hangs?.outcome, 'timeout');
  assert.ok((byName.hangs?.durationMs ?? 0) >= 140);
  assert.match(String(aborted), /hook "hangs" timed out/);
  assert.equal(byName['flush-logs']?.outcome, 'ok');
  assert.equal(report.outcome, 'failed');
  assert.equal(report.exitCode, 1);
  assert.equal(proc.exitCode, 1);
});

test('a hook still running at the deadline is cut, and the ones after it never start', async () => {
  const { lameduck } = testLameduck({
    drainDelay: 0,
    gracePeriod: 600,
    deadlineMargin: 100,
    hookTimeout: 5000,
  });
  let lateRan = false;
  lameduck.hook('late', () => {
    lateRan = true;
  });
  lameduck.hook('slow', () => delay(3000));
  const report = await lameduck.shutdown('test');
  assert.equal(report.outcome, 'forced');
  assert.deepEqual(report.cut.hooks, ['slow', 'late']);
  assert.equal(lateRan, false);
  assert.ok(report.timeline.stoppedAfterMs < 1500);
});

test('hook() rejects bad arguments with a typed error naming them', () => {
  const { lameduck } = testLameduck();
  assert.throws(() => lameduck.hook('', () => {}), {
    code: 'ERR_LAMEDUCK_INVALID_OPTION',
    message: /hook: name/,
  });
  assert.throws(() => lameduck.hook('x', 5 as never), {
    message: /hook "x": fn.*expected a function/,
  });
  assert.throws(() => lameduck.hook('x', () => {}, { timeout: 'soon' }), {
    message: /hook "x": timeout.*received "soon"/,
  });
  lameduck.dispose();
});
