// Findings 3 and 4 of issue #10, each reproduced as a test that failed before its fix.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { createLameduck, InvalidOptionError, optionsFromEnv } from '../src/index.ts';
import { resolveOptions } from '../src/options.ts';
import { delay, listen, testLameduck, until } from './support/harness.ts';

const K8S = { KUBERNETES_SERVICE_HOST: '10.0.0.1' };
const fromEnv =
  (env: Record<string, string>, where: Record<string, string> = {}) =>
  () =>
    resolveOptions(optionsFromEnv(env), where);
const invalid = (pattern: RegExp) => (error: unknown) =>
  error instanceof InvalidOptionError &&
  error.code === 'ERR_LAMEDUCK_INVALID_OPTION' &&
  error.exitCode === 78 &&
  pattern.test(error.message);

test('finding 4: an error from the environment names the variable and the text the user set', () => {
  assert.throws(
    fromEnv({ LAMEDUCK_DRAIN_DELAY: '40s' }),
    invalid(
      /^Invalid environment variable LAMEDUCK_DRAIN_DELAY: expected less than LAMEDUCK_GRACE_PERIOD minus LAMEDUCK_DEADLINE_MARGIN \(30s − 1s = 29s\).*received "40s"/,
    ),
  );
  // In Kubernetes the delay defaults to 5 s: the error names the variable the user set, with its
  // text, and says where the 5 s comes from — never a number the user did not write.
  assert.throws(fromEnv({ LAMEDUCK_GRACE_PERIOD: '3s' }, K8S), (error: unknown) => {
    assert.ok(error instanceof InvalidOptionError);
    assert.match(error.message, /^Invalid environment variable LAMEDUCK_GRACE_PERIOD: /);
    assert.match(
      error.message,
      /the drain delay is 5s by default in Kubernetes \(set LAMEDUCK_DRAIN_DELAY/,
    );
    assert.match(error.message, /received "3s"/);
    assert.doesNotMatch(error.message, /5000|drainDelay/);
    return true;
  });
  assert.throws(
    fromEnv({ LAMEDUCK_DEADLINE_MARGIN: '40s' }),
    invalid(
      /LAMEDUCK_DEADLINE_MARGIN: expected less than LAMEDUCK_GRACE_PERIOD \(30s, the default\), received "40s"/,
    ),
  );
  // Set in code after the environment: the code's option is named, not the variable.
  assert.throws(
    () =>
      resolveOptions({ ...optionsFromEnv({ LAMEDUCK_DRAIN_DELAY: '1s' }), drainDelay: '40s' }, {}),
    invalid(/option `drainDelay`: .*received "40s"/),
  );
});

test('finding 4: an empty signal list and zero timeouts are rejected', () => {
  assert.throws(
    fromEnv({ LAMEDUCK_SIGNALS: ',' }),
    invalid(/LAMEDUCK_SIGNALS: expected at least one signal.*received ","/),
  );
  assert.throws(
    () => resolveOptions({ signals: [] }, {}),
    invalid(/`signals`: expected at least one signal/),
  );
  assert.throws(
    () => resolveOptions({ hookTimeout: 0 }, {}),
    invalid(/`hookTimeout`: expected a duration greater than 0, received 0/),
  );
  assert.throws(() => resolveOptions({ hookTimeout: '0s' }, {}), invalid(/`hookTimeout`/));
  assert.throws(
    () => resolveOptions({ gracePeriod: 0, deadlineMargin: 0 }, {}),
    invalid(/`gracePeriod`: expected a duration greater than 0/),
  );
  const { lameduck } = testLameduck();
  assert.throws(
    () => lameduck.hook('db', () => {}, { timeout: 0 }),
    invalid(/hook "db": timeout.*greater than 0/),
  );
  lameduck.dispose();
});

test('finding 4: on and off are accepted in any case', () => {
  assert.deepEqual(
    {
      ...optionsFromEnv({
        LAMEDUCK_ADMIN_PORT: 'OFF',
        LAMEDUCK_APP_PROBES: 'On',
        LAMEDUCK_LOG: 'Off',
      }),
    },
    { admin: false, appProbes: true, logger: false },
  );
  assert.equal(optionsFromEnv({ LAMEDUCK_DRAIN_ON_CRASH: 'ON' }).drainOnCrash, true);
  assert.throws(
    () => optionsFromEnv({ LAMEDUCK_ADMIN_PORT: 'nope' }),
    invalid(/LAMEDUCK_ADMIN_PORT: expected a port from 0 to 65535, or off, received "nope"/),
  );
});

test('finding 3: readiness auto — a server the app listened on and closed does not keep it unready', async () => {
  const { lameduck } = testLameduck();
  // A port probe, as get-port and detect-port do: listen on a port, close it again.
  const probe = createServer();
  lameduck.register(probe);
  await listen(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const app = createServer((_req, res) => res.end('ok'));
  lameduck.register(app);
  await listen(app);
  await until(() => lameduck.isReady, 2000, 'ready after the probe server closed');
  app.close();
  lameduck.dispose();
});

test('register() on a server that already listens adopts its open connections', async () => {
  const { lameduck } = testLameduck({ drainDelay: 100 });
  const server = createServer((req, res) =>
    setTimeout(() => res.end('done'), req.url === '/long' ? 500 : 0),
  );
  server.keepAliveTimeout = 30_000;
  const port = await listen(server);
  const { RawClient } = await import('./support/raw-client.ts');
  const busy = await RawClient.connect(port);
  busy.send('/long');
  await delay(50);
  lameduck.register(server); // late: one connection is already open, with a request in flight
  let answeredAt = 0;
  const answer = busy.readResponse().then((r) => {
    answeredAt = performance.now();
    return r;
  });
  const report = await lameduck.shutdown('test');
  const stoppedAt = performance.now();
  assert.equal((await answer).body, 'done');
  assert.ok(
    answeredAt > 0 && answeredAt <= stoppedAt,
    'the shutdown waited for the adopted request',
  );
  assert.equal(report.outcome, 'clean');
});

test('ERR_LAMEDUCK_SHUTTING_DOWN: hook() once the hooks are running, hold() once the drain is over', async () => {
  const { lameduck } = testLameduck();
  let late: unknown;
  lameduck.hook('adds-another', () => {
    try {
      lameduck.hook('too-late', () => {});
    } catch (error) {
      late = error;
    }
  });
  await lameduck.shutdown('test');
  assert.equal((late as { code?: string }).code, 'ERR_LAMEDUCK_SHUTTING_DOWN');
  assert.throws(() => lameduck.hold('late-job'), { code: 'ERR_LAMEDUCK_SHUTTING_DOWN' });
});

test('createLameduck rejects unknown options by name', () => {
  assert.throws(() => createLameduck({ drainDelays: 1 } as never), invalid(/`drainDelays`/));
});
