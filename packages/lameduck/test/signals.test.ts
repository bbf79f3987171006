import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLameduck, type ShutdownReport } from '../src/index.ts';
import { delay, FakeProcess, fetchText, httpServer, until } from './support/harness.ts';
import { RawClient } from './support/raw-client.ts';

test('SIGTERM starts the shutdown; a second signal forces it at once', async () => {
  const proc = new FakeProcess();
  const lameduck = createLameduck({ admin: false, logger: false, process: proc, drainDelay: 2000 });
  const { port } = await httpServer(lameduck, () => {
    /* hangs */
  });
  const client = await RawClient.connect(port);
  client.send('/');
  await delay(30);
  const stopped = new Promise<ShutdownReport>((resolve) => lameduck.once('stopped', resolve));
  proc.signal('SIGTERM');
  await delay(100);
  assert.equal(lameduck.phase, 'draining');
  proc.signal('SIGINT');
  const report = await stopped;
  assert.equal(report.reason, 'SIGTERM');
  assert.equal(report.outcome, 'forced');
  assert.equal(report.forcedBy, 'second-signal');
  assert.equal(report.cut.requests, 1);
  assert.ok(report.timeline.stoppedAfterMs < 1000, 'forced without waiting for the delay');
  assert.equal(proc.exitCode, 124);
  assert.equal(proc.listenerCount('SIGTERM'), 0, 'signal listeners are removed when stopped');
});

test('forceOnSecondSignal: false lets a second signal join instead', async () => {
  const proc = new FakeProcess();
  const lameduck = createLameduck({
    admin: false,
    logger: false,
    process: proc,
    drainDelay: 200,
    forceOnSecondSignal: false,
  });
  const stopped = new Promise<ShutdownReport>((resolve) => lameduck.once('stopped', resolve));
  proc.signal('SIGTERM');
  proc.signal('SIGTERM');
  const report = await stopped;
  assert.equal(report.outcome, 'clean');
  assert.equal(proc.exitCode, 0);
});

test('GET /prestop drains and answers when the delay is over; the SIGTERM that follows joins, not forces', async () => {
  const proc = new FakeProcess();
  const lameduck = createLameduck({
    admin: { port: 0, host: '127.0.0.1' },
    logger: false,
    process: proc,
    drainDelay: 400,
  });
  const stopped = new Promise<ShutdownReport>((resolve) => lameduck.once('stopped', resolve));
  const admin = await lameduck.adminAddress();
  assert.ok(admin);
  const { port } = await httpServer(lameduck, (req, res) => {
    setTimeout(() => res.end('ok'), req.url === '/slow' ? 700 : 0);
  });
  await until(() => lameduck.isReady, 2000, 'ready');
  assert.equal((await fetchText(admin.port, '/readyz')).status, 200);
  const slow = fetchText(port, '/slow'); // still in flight when SIGTERM comes
  await delay(20);
  const started = Date.now();
  const prestop = fetchText(admin.port, '/prestop');
  await delay(100);
  assert.deepEqual(await fetchText(admin.port, '/readyz'), {
    status: 503,
    body: 'shutting down\n',
  });
  assert.deepEqual(await fetchText(admin.port, '/livez'), { status: 200, body: 'ok\n' });
  const answer = await prestop;
  assert.equal(answer.status, 200);
  assert.ok(Date.now() - started >= 380, 'the preStop hook is held for the drain delay');
  assert.equal(lameduck.phase, 'closing');
  proc.signal('SIGTERM'); // what the kubelet sends once the preStop hook returned
  assert.deepEqual(await slow, { status: 200, body: 'ok' });
  const report = await stopped;
  assert.equal(report.reason, 'prestop');
  assert.equal(report.outcome, 'clean');
  assert.equal(proc.exitCode, 0);
});

test('the admin server serves metrics and refuses state changes by other methods and paths', async () => {
  const proc = new FakeProcess();
  const lameduck = createLameduck({
    admin: { port: 0, host: '127.0.0.1' },
    logger: false,
    process: proc,
    exit: false,
  });
  const admin = await lameduck.adminAddress();
  assert.ok(admin);
  await httpServer(lameduck, (_req, res) => res.end('ok'));
  await until(() => lameduck.isReady, 2000, 'ready');
  const metrics = await fetchText(admin.port, '/metrics');
  assert.equal(metrics.status, 200);
  assert.match(metrics.body, /^lameduck_phase\{phase="serving"\} 1$/m);
  assert.match(metrics.body, /^lameduck_ready 1$/m);
  assert.match(metrics.body, /^# TYPE lameduck_requests_total counter$/m);
  assert.equal((await fetchText(admin.port, '/nope')).status, 404);
  const client = await RawClient.connect(admin.port);
  const put = await new Promise<number>((resolve) => {
    client.send('/prestop', {}, 'PUT');
    void client.readResponse().then((r) => resolve(r.status));
  });
  assert.equal(put, 405);
  client.close();
  assert.equal(lameduck.phase, 'serving', 'a refused method must not start the shutdown');
  await lameduck.shutdown('test');
});
