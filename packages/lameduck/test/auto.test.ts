import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AppProcess } from './support/child.ts';
import { connectOutcome, delay, fetchText, until } from './support/harness.ts';
import { RawClient } from './support/raw-client.ts';

const app = fileURLToPath(new URL('./fixtures/plain-app.mjs', import.meta.url));
const env = {
  LAMEDUCK_DRAIN_DELAY: '600ms',
  LAMEDUCK_GRACE_PERIOD: '10s',
  LAMEDUCK_ADMIN_PORT: '0',
  LAMEDUCK_ADMIN_HOST: '127.0.0.1',
};

test('without lameduck, SIGTERM kills the unmodified app mid-request', async () => {
  const proc = new AppProcess([app], {});
  const port = await proc.port();
  const client = await RawClient.connect(port);
  client.send('/?ms=500');
  await delay(50);
  proc.kill('SIGTERM');
  const { signal } = await proc.exited;
  assert.equal(signal, 'SIGTERM');
  await assert.rejects(client.readResponse(), /before a full response/);
});

test('node --import lameduck/auto: the same unmodified app drains on a real SIGTERM and exits 0', async () => {
  const proc = new AppProcess(['--import', 'lameduck/auto', app], env);
  const port = await proc.port();
  await until(() => proc.log('admin-listening') !== undefined, 5000, 'admin server');
  const adminPort = proc.log('admin-listening')?.port as number;
  await until(() => proc.log('serving') !== undefined, 5000, 'ready');
  assert.equal((await fetchText(adminPort, '/readyz')).status, 200);

  const keepAlive = await RawClient.connect(port);
  assert.equal((await keepAlive.request('/')).headers.connection, 'keep-alive');
  keepAlive.send('/?ms=300'); // in flight when SIGTERM arrives
  await delay(50);
  proc.kill('SIGTERM');
  await until(() => proc.log('draining') !== undefined, 3000, 'draining');
  assert.equal((await fetchText(adminPort, '/readyz')).status, 503);
  assert.equal((await fetchText(adminPort, '/livez')).status, 200);

  const inFlight = await keepAlive.readResponse();
  assert.equal(inFlight.status, 200);
  assert.equal(inFlight.headers.connection, 'close');
  assert.equal(
    await connectOutcome(port),
    'status 200',
    'new connections are served during the delay',
  );

  await until(() => proc.log('closing') !== undefined, 3000, 'closing');
  assert.equal(await connectOutcome(port), 'ECONNREFUSED');
  const { code, signal } = await proc.exited;
  assert.equal(signal, null);
  assert.equal(code, 0);
  const report = proc.log('stopped')?.report as {
    outcome: string;
    served: { whileDraining: number };
  };
  assert.equal(report.outcome, 'clean');
  assert.ok(report.served.whileDraining >= 1);
});

test('lameduck/auto with an invalid LAMEDUCK_* variable exits 78 and says which', async () => {
  const proc = new AppProcess(['--import', 'lameduck/auto', app], {
    ...env,
    LAMEDUCK_DRAIN_DELAY: '5',
  });
  const { code } = await proc.exited;
  assert.equal(code, 78);
  assert.match(
    proc.stderrText.join(''),
    /lameduck\/auto: Invalid environment variable LAMEDUCK_DRAIN_DELAY: expected a duration .*received "5"/,
  );
});
