import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { assertDocumentedDefaults } from '../../../../test/support/docs.ts';
import command from '../../src/lab/command.ts';
import { LAB_ERROR_CODES } from '../../src/lab/errors.ts';

const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const run = async (args: string[], cwd = process.cwd()) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, 'lab', ...args], {
      cwd,
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

test('docs/lab.md documents every option with the default the code uses', () => {
  assertDocumentedDefaults(command, new URL('../../../../docs/lab.md', import.meta.url));
});

test('docs/lab.md documents every error code of the lab', () => {
  const page = readFileSync(new URL('../../../../docs/lab.md', import.meta.url), 'utf8');
  for (const code of LAB_ERROR_CODES) assert.match(page, new RegExp(`\\| \`${code}\` \\|`), code);
});

test('an output that cannot be written is a usage error before any pod starts, without a stack trace', async () => {
  const result = await run(['--quick', '--scenario', 'naive', '--json', '/nonexistent/x.json']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(
    result.stderr,
    /^lameduck: cannot write --json "\/nonexistent\/x\.json": the folder \/nonexistent does not exist\n/,
  );
  assert.doesNotMatch(result.stderr, /deploying|^\s+at /m, 'nothing ran, no stack trace');
  assert.equal(result.stdout, '');
  const both = await run(['--quick', '--json=-', '--html', '/dev/stdout']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--json - and --html \/dev\/stdout both write to standard output/);
});

test('bad flags are usage errors naming the flag, the expectation and the value', async () => {
  const propagation = await run(['--propagation', 'gauss:1s']);
  assert.equal(propagation.code, 2);
  assert.match(
    propagation.stderr,
    /Invalid --propagation: expected fixed:<duration>.*received "gauss:1s"/,
  );
  const proxy = await run(['--proxy', 'ipvs']);
  assert.equal(proxy.code, 2);
  assert.match(proxy.stderr, /--proxy/);
  const quote = await run(['--cmd', 'node "server.js']);
  assert.equal(quote.code, 2);
  assert.match(quote.stderr, /--cmd has an unterminated " quote/);
});

test('an invalid manifest names the file, the field, the expectation and the value', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-manifest-'));
  writeFileSync(
    join(dir, 'deploy.yaml'),
    `apiVersion: v1\nkind: Service\n---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 2\n  strategy:\n    rollingUpdate:\n      maxSurge: lots\n  template:\n    spec:\n      containers:\n        - name: app\n          command: [node, server.js]\n`,
  );
  const bad = await run(['--manifest', 'deploy.yaml'], dir);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /spec\.strategy\.rollingUpdate\.maxSurge: expected a non-negative integer or a percentage.*"lots"/,
  );
  writeFileSync(
    join(dir, 'probe.yaml'),
    `kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - readinessProbe:\n            periodSeconds: soon\n            httpGet: { path: /, port: 80 }\n`,
  );
  const probe = await run(['--manifest', 'probe.yaml', '--cmd', 'node x.js'], dir);
  assert.equal(probe.code, 2);
  assert.match(
    probe.stderr,
    /Invalid manifest probe\.yaml:7:13: spec\.template\.spec\.containers\[0\]\.readinessProbe\.periodSeconds: expected an integer >= 1, received "soon"/,
  );
  const missing = await run(['--manifest', 'nope.yaml'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read --manifest nope\.yaml/);
});

test('an app that exits at start is reported at once with its exit code and last message; --json - keeps stdout one JSON document', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-crash-'));
  writeFileSync(
    join(dir, 'deploy.yaml'),
    `kind: Deployment
spec:
  replicas: 1
  template:
    spec:
      containers:
        - readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 }
`,
  );
  const result = await run(
    [
      '--cmd',
      `${process.execPath} -e "console.error('Error: cannot connect to the database'); process.exit(3)"`,
      '--manifest',
      'deploy.yaml',
      '--quick',
      '--json',
      '-',
    ],
    dir,
  );
  assert.equal(result.code, 1);
  // The table goes to stderr so that stdout is nothing but the JSON document.
  assert.match(result.stderr, /^scenario +requests/m);
  const report = JSON.parse(result.stdout);
  // Not "did not complete within 1m": the first exit before the pod was ever ready says it all.
  assert.match(
    report.scenarios[0].error,
    /^pod \S+ exited before it became ready \(exit code 3: Error: cannot connect to the database\)$/,
  );
  assert.ok(report.scenarios[0].events.some((e: { type: string }) => e.type === 'crashed'));
});

test('lameduck with a propagation longer than its grace period: the app refuses to start (exit 78) and the lab says so at once', async () => {
  const result = await run([
    '--quick',
    '--scenario',
    'lameduck',
    '--propagation',
    'exp:1s..8s',
    '--json',
    '-',
  ]);
  assert.equal(result.code, 1, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.match(
    report.scenarios[0].error,
    /exited before it became ready \(exit code 78: .*LAMEDUCK_DRAIN_DELAY/,
  );
});

test('--rollout-timeout 0 is a usage error', async () => {
  const result = await run(['--quick', '--rollout-timeout', '0']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--rollout-timeout/);
  assert.doesNotMatch(result.stderr, /deploying/);
});

test('your own command with a manifest: replicas, probes and preStop apply; JSON has the pod events', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-app-'));
  const app = fileURLToPath(new URL('../../dist/lab/scenario/demo-app.js', import.meta.url));
  writeFileSync(
    join(dir, 'deploy.yaml'),
    `kind: Deployment
metadata: { name: web }
spec:
  replicas: 2
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: "50%", maxUnavailable: 0 } }
  template:
    spec:
      terminationGracePeriodSeconds: 5
      containers:
        - name: web
          env: [{ name: DEMO_ON_SIGTERM, value: drain }, { name: DEMO_LATENCY_MS, value: "5" }]
          ports: [{ name: http, containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /healthz, port: http }, periodSeconds: 1, failureThreshold: 1 }
          lifecycle: { preStop: { sleep: { seconds: 1 } } }
`,
  );
  // --json through a symbolic link into another folder: the link stays, its target gets the JSON.
  const reports = join(dir, 'reports');
  mkdirSync(reports);
  symlinkSync(join(reports, 'web.json'), join(dir, 'latest.json'));
  const result = await run(
    [
      '--cmd',
      `${process.execPath} ${app}`,
      '--manifest',
      'deploy.yaml',
      '--quick',
      '--rate',
      '50',
      '--json',
      'latest.json',
    ],
    dir,
  );
  assert.ok(lstatSync(join(dir, 'latest.json')).isSymbolicLink(), 'the link is still a link');
  assert.deepEqual(readdirSync(reports), ['web.json'], 'no temporary file left');
  assert.match(result.stdout, /^scenario +requests/m, 'the table on stdout');
  const report = JSON.parse(readFileSync(join(reports, 'web.json'), 'utf8'));
  const web = report.scenarios[0];
  assert.equal(web.name, 'web');
  assert.ok(web.ok > 0, result.stdout);
  assert.equal(web.rollouts.length, 1);
  const types = new Set(web.events.map((e: { type: string }) => e.type));
  for (const t of ['created', 'ready', 'terminating', 'prestop-done', 'sigterm', 'exited']) {
    assert.ok(types.has(t), `event ${t} in ${[...types].join(', ')}`);
  }
  assert.equal(
    web.events.filter((e: { type: string }) => e.type === 'created').length,
    4,
    '2 pods, then 2 new',
  );
  assert.ok([0, 1].includes(result.code));
});

test('--sweep runs one scenario across a range: a row per value in the table, the JSON and the HTML', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-sweep-'));
  const html = join(dir, 'sweep.html');
  const result = await run([
    '--quick',
    '--scenario',
    'sigterm-exit',
    '--sweep',
    'prestop=0s..1s:1s',
    '--json',
    '-',
    '--html',
    html,
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /Sweep of prestop \(sigterm-exit\): failed requests against the value/,
  );
  const report = JSON.parse(result.stdout);
  assert.equal(report.sweep.param, 'prestop');
  assert.deepEqual(
    report.sweep.points.map((p: { valueMs: number }) => p.valueMs),
    [0, 1000],
  );
  for (const [i, p] of report.sweep.points.entries()) {
    const s = report.scenarios[i];
    assert.equal(p.requests, s.requests);
    assert.equal(s.requests, s.ok + s.failed, 'every request counted once');
    assert.equal(p.error, undefined);
  }
  const preStops = report.scenarios.map((s: { events: { type: string }[] }) =>
    s.events.some((e) => e.type === 'prestop-done'),
  );
  assert.deepEqual(preStops, [false, true], 'no preStop at 0, a 1 s sleep at 1s');
  assert.match(readFileSync(html, 'utf8'), /data-sweep="prestop"/);
  const bad = await run(['--sweep', 'drain=0s..1s']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Invalid --sweep: expected <param>=<from>\.\.<to>/);
});
