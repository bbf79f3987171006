// docs/runtime.md and examples/kubernetes/deployment.yaml must say what the code does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { readDocumentedRows } from '../../../test/support/docs.ts';
import { EXIT_CONFIG } from '../src/errors.ts';
import { HEALTH_CHECK_DEFAULTS } from '../src/health.ts';
import {
  DEFAULT_PROBE_PATHS,
  ENVIRONMENT_VARIABLES,
  formatDuration as fmt,
  optionsFromEnv,
} from '../src/index.ts';
import { OPTION_NAMES, resolveOptions } from '../src/options.ts';

const docs = new URL('../../../docs/runtime.md', import.meta.url);
const rows = new Map(readDocumentedRows(docs).map((r) => [r.name, r.default]));
const k8s = resolveOptions({}, { KUBERNETES_SERVICE_HOST: '10.0.0.1' });
const local = resolveOptions({}, {});
/** The admin server's settings (`false` when it is off). */
const adminOf = (options: { admin: false | { port: number; host: string | undefined } }) =>
  options.admin || undefined;
const drainDelay = `${fmt(k8s.drainDelay)} in Kubernetes, ${fmt(local.drainDelay)} elsewhere`;

test('every option is documented with the default the code applies', () => {
  const expected: Record<string, string> = {
    drainDelay,
    gracePeriod: fmt(local.gracePeriod),
    deadlineMargin: fmt(local.deadlineMargin),
    signals: local.signals.join(','),
    forceOnSecondSignal: String(local.forceOnSecondSignal),
    readiness: local.readiness,
    admin: `{ port: ${adminOf(local)?.port} }`,
    appProbes: String(local.appProbes),
    hookTimeout: fmt(local.hookTimeout),
    firstRequestGrace: fmt(local.firstRequestGrace),
    exit: String(local.exit),
    exitCodes: `{ clean: ${local.exitCodes.clean}, failed: ${local.exitCodes.failed}, forced: ${local.exitCodes.forced}, crashed: ${local.exitCodes.crashed} }`,
    drainOnCrash: String(local.drainOnCrash),
  };
  for (const name of OPTION_NAMES) {
    assert.ok(rows.has(name), `option ${name} is not documented in docs/runtime.md`);
    if (name in expected)
      assert.equal(rows.get(name), expected[name], `documented default of ${name}`);
  }
  assert.deepEqual(local.admin, { port: 9000, host: '127.0.0.1' });
  assert.equal(adminOf(k8s)?.host, undefined, 'all interfaces in Kubernetes');
});

test('every environment variable is documented with its default', () => {
  const expected: Record<string, string> = {
    LAMEDUCK_DRAIN_DELAY: drainDelay,
    LAMEDUCK_GRACE_PERIOD: fmt(local.gracePeriod),
    LAMEDUCK_DEADLINE_MARGIN: fmt(local.deadlineMargin),
    LAMEDUCK_ADMIN_PORT: String(adminOf(local)?.port),
    LAMEDUCK_ADMIN_HOST: `all interfaces in Kubernetes, ${adminOf(local)?.host} elsewhere`,
    LAMEDUCK_SIGNALS: local.signals.join(','),
    LAMEDUCK_APP_PROBES: local.appProbes ? 'on' : 'off',
    LAMEDUCK_DRAIN_ON_CRASH: local.drainOnCrash ? 'on' : 'off',
    LAMEDUCK_LOG: 'json',
  };
  for (const name of ENVIRONMENT_VARIABLES) {
    assert.equal(rows.get(name), expected[name], `documented default of ${name}`);
  }
  assert.deepEqual(Object.keys(expected).sort(), [...ENVIRONMENT_VARIABLES].sort());
});

test('the exit codes table matches the code', () => {
  assert.equal(rows.get(String(local.exitCodes.clean)), 'clean');
  assert.equal(rows.get(String(local.exitCodes.failed)), 'failed');
  assert.equal(rows.get(String(local.exitCodes.forced)), 'forced');
  assert.equal(rows.get(String(local.exitCodes.crashed)), 'crashed');
  assert.equal(rows.get(String(EXIT_CONFIG)), '—');
});

test('health check options are documented with the defaults the code applies', () => {
  assert.equal(rows.get('healthCheck.timeout'), fmt(HEALTH_CHECK_DEFAULTS.timeout));
  assert.equal(rows.get('healthCheck.probe'), HEALTH_CHECK_DEFAULTS.probe);
});

test('the example Deployment fits the code: probes, preStop, ports and grace arithmetic', () => {
  const deployment = parse(
    readFileSync(new URL('../../../examples/kubernetes/deployment.yaml', import.meta.url), 'utf8'),
  );
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const env = Object.fromEntries(
    container.env.map((e: { name: string; value: string }) => [e.name, e.value]),
  );
  // The values parse, and resolve to a valid configuration inside Kubernetes.
  const options = resolveOptions(optionsFromEnv(env), { KUBERNETES_SERVICE_HOST: '10.0.0.1' });
  assert.equal(
    options.gracePeriod,
    pod.terminationGracePeriodSeconds * 1000,
    'LAMEDUCK_GRACE_PERIOD = terminationGracePeriodSeconds',
  );
  assert.ok(options.drainDelay < options.gracePeriod - options.deadlineMargin);
  const adminPort = container.ports.find((p: { name: string }) => p.name === 'admin').containerPort;
  assert.equal(adminOf(options)?.port, adminPort);
  assert.deepEqual(container.lifecycle.preStop, { httpGet: { path: '/prestop', port: 'admin' } });
  assert.equal(container.readinessProbe.httpGet.path, DEFAULT_PROBE_PATHS.readiness);
  assert.equal(container.livenessProbe.httpGet.path, DEFAULT_PROBE_PATHS.liveness);
  assert.equal(container.startupProbe.httpGet.path, DEFAULT_PROBE_PATHS.startup);
  for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
    assert.equal(container[probe].httpGet.port, 'admin', `${probe} is on the admin port`);
  }
  assert.deepEqual(container.command.slice(0, 3), ['node', '--import', 'lameduck/auto']);
});
