import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLameduck, InvalidOptionError, optionsFromEnv } from '../src/index.ts';
import { resolveOptions } from '../src/options.ts';

const bad = (options: object, pattern: RegExp) =>
  assert.throws(
    () => resolveOptions(options as never, {}),
    (error: unknown) =>
      error instanceof InvalidOptionError &&
      error.code === 'ERR_LAMEDUCK_INVALID_OPTION' &&
      pattern.test(error.message),
    String(pattern),
  );

test('defaults: a 5 s drain delay in Kubernetes, none elsewhere; everything else the same', () => {
  const k8s = resolveOptions({}, { KUBERNETES_SERVICE_HOST: '10.0.0.1' });
  const local = resolveOptions({}, {});
  assert.equal(k8s.drainDelay, 5000);
  assert.equal(local.drainDelay, 0);
  assert.deepEqual(k8s.admin, { port: 9000, host: undefined });
  assert.deepEqual(local.admin, { port: 9000, host: '127.0.0.1' });
  for (const options of [k8s, local]) {
    assert.equal(options.gracePeriod, 30_000);
    assert.equal(options.deadlineMargin, 1000);
    assert.deepEqual(options.signals, ['SIGTERM', 'SIGINT']);
    assert.equal(options.readiness, 'auto');
    assert.equal(options.hookTimeout, 5000);
    assert.deepEqual(options.exitCodes, { clean: 0, failed: 1, forced: 124, crashed: 70 });
    assert.equal(options.drainOnCrash, false);
  }
});

test('bad options name the option, what was expected and what was received', () => {
  bad({ drainDelay: '5' }, /`drainDelay`: expected a duration .*received "5" \(string\)/);
  bad({ drainDelay: -1 }, /`drainDelay`.*received -1/);
  bad(
    { drainDelay: '40s' },
    /`drainDelay`: expected less than gracePeriod minus deadlineMargin \(30s − 1s = 29s\)/,
  );
  bad(
    { gracePeriod: '1s', deadlineMargin: '2s' },
    /`deadlineMargin`: expected less than gracePeriod/,
  );
  bad({ signals: ['SIGTERN'] }, /`signals`: expected signal names .*received "SIGTERN"/);
  bad({ signals: ['SIGKILL'] }, /not SIGKILL or SIGSTOP/);
  bad(
    { readiness: 'eventually' },
    /`readiness`: expected one of 'auto', 'manual', received "eventually"/,
  );
  bad(
    { admin: { port: 70000 } },
    /`admin.port`: expected an integer from 0 to 65535, received 70000/,
  );
  bad({ admin: { prot: 1 } }, /`admin.prot`/);
  bad(
    { appProbes: { readiness: 'ready' } },
    /`appProbes.readiness`: expected a path starting with \//,
  );
  bad({ exitCodes: { forced: 300 } }, /`exitCodes.forced`: expected an integer from 0 to 255/);
  bad({ logger: console.log }, /`logger`: expected an object with info, warn and error/);
  bad({ drainDelays: '5s' }, /`drainDelays`: expected one of drainDelay/);
});

/** The options, without the note of which variable set each (an enumerable symbol). */
const plain = (options: object) => Object.fromEntries(Object.entries(options));

test('environment variables map to options and name themselves when wrong', () => {
  assert.deepEqual(
    plain(
      optionsFromEnv({
        LAMEDUCK_DRAIN_DELAY: '3s',
        LAMEDUCK_GRACE_PERIOD: '1m',
        LAMEDUCK_ADMIN_PORT: '9100',
        LAMEDUCK_SIGNALS: 'term, SIGHUP',
        LAMEDUCK_APP_PROBES: 'on',
        LAMEDUCK_LOG: 'off',
      }),
    ),
    {
      drainDelay: 3000,
      gracePeriod: 60_000,
      admin: { port: 9100 },
      signals: ['SIGTERM', 'SIGHUP'],
      appProbes: true,
      logger: false,
    },
  );
  assert.deepEqual(plain(optionsFromEnv({ LAMEDUCK_ADMIN_PORT: 'off' })), { admin: false });
  assert.deepEqual(plain(optionsFromEnv({ LAMEDUCK_DRAIN_DELAY: '' })), {});
  assert.throws(
    () => optionsFromEnv({ LAMEDUCK_DRAIN_DELAY: '5' }),
    /LAMEDUCK_DRAIN_DELAY: expected a duration .*received "5"/,
  );
  assert.throws(
    () => optionsFromEnv({ LAMEDUCK_ADMIN_PORT: 'nine' }),
    /LAMEDUCK_ADMIN_PORT: expected a port from 0 to 65535, or off/,
  );
  assert.throws(
    () => optionsFromEnv({ LAMEDUCK_LOG: 'pretty' }),
    /LAMEDUCK_LOG: expected json or off/,
  );
});

test('register() rejects what is not an HTTP server', () => {
  const lameduck = createLameduck({ admin: false, logger: false, exit: false });
  assert.throws(() => lameduck.register({} as never), { code: 'ERR_LAMEDUCK_UNSUPPORTED_SERVER' });
  lameduck.dispose();
});
