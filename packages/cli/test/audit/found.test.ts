// Every item of the "Found" list of issue #12, reproduced end to end through the command as a user
// met it. Each test failed before the change that fixed it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { app, GOOD_CONTAINER, runCli } from './helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'lameduck-found-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A fresh folder holding `files` (path → text). */
function folder(files: Record<string, string>): string {
  const dir = join(root, `case-${n++}`);
  mkdirSync(dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

interface JsonFinding {
  rule: string;
  severity: string;
  file: string;
  line: number;
  message: string;
  fix: string;
  fixable: boolean;
  object: { kind: string; name: string };
  container: string | null;
}
interface JsonReport {
  findings: JsonFinding[];
  summary: Record<string, number>;
}

async function json(argv: string[], options: { cwd?: string; stdin?: string } = {}) {
  const run = await runCli(['audit', '--format', 'json', ...argv], options);
  return { ...run, report: JSON.parse(run.stdout || '{"findings":[]}') as JsonReport };
}

const withoutPreStop = GOOD_CONTAINER.replace(/lifecycle:[\s\S]*$/, '').trimEnd();
const withCommand = (command: string) =>
  app(GOOD_CONTAINER.replace('command: ["node", "server.js"]', `command: ${command}`));

// --- Fixes that break a container -------------------------------------------------------------

test('found: sh -c "FOO=bar node server.js" is fixed as FOO=bar exec node …, which dash runs', async () => {
  const run = await runCli(['audit', '--fix', '-'], {
    stdin: withCommand('["sh", "-c", "FOO=bar node server.js"]'),
  });
  const script = /"(FOO=bar [^"]*)"/.exec(run.stdout)?.[1];
  assert.equal(script, 'FOO=bar exec node server.js', run.stdout);
  // dash runs the rewritten script: a stand-in `node` on the PATH prints what it got.
  const bin = folder({ node: '#!/bin/sh\necho "$FOO $*"\n' });
  execFileSync('chmod', ['+x', join(bin, 'node')]);
  const out = execFileSync('dash', ['-c', script], {
    encoding: 'utf8',
    env: { PATH: `${bin}:/usr/bin:/bin` },
  });
  assert.equal(out, 'bar server.js\n');
});

test('found: an if/else script is not rewritten (no "exec fi"), and says why', async () => {
  const { report, stdout } = await json(['-'], {
    stdin: withCommand('["sh", "-c", "if [ -f a ]; then node a.js; else node b.js; fi"]'),
  });
  const f = report.findings.find((x) => x.rule === 'signal-lost-shell');
  assert.ok(f, stdout);
  assert.equal(f.fixable, false);
  assert.match(f.fix, /compound command \(if … fi\)/);
  const fixed = await runCli(['audit', '--fix', '-'], {
    stdin: withCommand('["sh", "-c", "if [ -f a ]; then node a.js; else node b.js; fi"]'),
  });
  assert.doesNotMatch(fixed.stdout, /exec fi/);
});

test('found: a background job (node server.js &) is not rewritten, and says why', async () => {
  const { report } = await json(['-'], {
    stdin: withCommand('["sh", "-c", "node server.js &"]'),
  });
  const f = report.findings.find((x) => x.rule === 'signal-lost-shell');
  assert.ok(f);
  assert.equal(f.fixable, false);
  assert.match(f.message, /background/);
  const fixed = await runCli(['audit', '--fix', '-'], {
    stdin: withCommand('["sh", "-c", "node server.js &"]'),
  });
  assert.doesNotMatch(fixed.stdout, /exec node server\.js &/);
});

const distroless = (image: string) =>
  app(withoutPreStop.replace('registry.example/web:1.2.3', image));

for (const image of [
  'gcr.io/distroless/static:nonroot',
  'registry.k8s.io/metrics-server/metrics-server:v0.7.2',
  'cgr.dev/chainguard/static:latest',
]) {
  test(`found: --kube-version 1.29 never writes an exec sleep into ${image}; the finding stays`, async () => {
    const fixed = await runCli(['audit', '--kube-version', '1.29', '--fix', '-'], {
      stdin: distroless(image),
    });
    assert.doesNotMatch(fixed.stdout, /sleep/);
    assert.doesNotMatch(fixed.stderr, /No problems/);
    const { report } = await json(['--kube-version', '1.29', '-'], { stdin: distroless(image) });
    const f = report.findings.find((x) => x.rule === 'prestop-missing');
    assert.ok(f);
    assert.equal(f.fixable, false);
    assert.match(f.fix, /1\.30/);
    assert.match(f.fix, /no shell|no `sleep`|shell-less/);
  });
}

test('found: dockerfile-npm-start keeps the prestart script (no silent skip of a migration)', async () => {
  const dir = folder({
    Dockerfile: 'FROM node:20-slim\nCOPY . .\nCMD ["npm", "start"]\n',
    'package.json': JSON.stringify({
      scripts: { prestart: 'node migrate.js', start: 'node server.js' },
    }),
  });
  const { report } = await json(['Dockerfile'], { cwd: dir });
  const f = report.findings.find((x) => x.rule === 'dockerfile-npm-start');
  assert.ok(f);
  assert.match(f.fix, /prestart/);
  await runCli(['audit', '--fix', 'Dockerfile'], { cwd: dir });
  const after = readFileSync(join(dir, 'Dockerfile'), 'utf8');
  assert.match(after, /CMD \["\/bin\/sh", "-c", "npm run prestart && exec node server\.js"\]/);
});

test('found: "start": "NODE_ENV=production node …" becomes ENV plus the exec form', async () => {
  const dir = folder({
    Dockerfile: 'FROM node:20-slim\nCOPY . .\nCMD ["npm", "start"]\n',
    'package.json': JSON.stringify({
      scripts: { start: 'NODE_ENV=production node dist/main.js' },
    }),
  });
  const { report } = await json(['Dockerfile'], { cwd: dir });
  const f = report.findings.find((x) => x.rule === 'dockerfile-npm-start');
  assert.ok(f);
  assert.doesNotMatch(f.fix, /"NODE_ENV=production"/);
  await runCli(['audit', '--fix', 'Dockerfile'], { cwd: dir });
  assert.equal(
    readFileSync(join(dir, 'Dockerfile'), 'utf8'),
    'FROM node:20-slim\nCOPY . .\nENV NODE_ENV=production\nCMD ["node", "dist/main.js"]\n',
  );
});

// --- False positives -------------------------------------------------------------------------

const METRICS_ONLY = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: exporter, namespace: monitoring}
spec:
  selector: {matchLabels: {app: exporter}}
  template:
    metadata: {labels: {app: exporter}}
    spec:
      containers:
        - name: exporter
          image: quay.io/prometheus/node-exporter:v1.8.2
          ports: [{name: metrics, containerPort: 9100}]
---
apiVersion: v1
kind: Service
metadata: {name: exporter, namespace: monitoring}
spec:
  selector: {app: exporter}
  ports: [{name: metrics, port: 9100, targetPort: metrics}]
`;

test('found: a controller whose only Service is for metrics gets at most info', async () => {
  const { report } = await json(['-'], { stdin: METRICS_ONLY });
  for (const f of report.findings) assert.equal(f.severity, 'info', `${f.rule}: ${f.message}`);
});

test('found: a mesh-injected gateway (image: auto) is not audited as written', async () => {
  const gateway = `apiVersion: apps/v1
kind: Deployment
metadata: {name: istio-ingressgateway, namespace: istio-ingress}
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  template:
    metadata:
      annotations: {inject.istio.io/templates: gateway}
      labels: {istio: ingressgateway, sidecar.istio.io/inject: "true"}
    spec:
      containers:
        - name: istio-proxy
          image: auto
---
apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-ingress}
spec:
  type: LoadBalancer
  selector: {istio: ingressgateway}
  ports: [{name: http2, port: 80, targetPort: 80}]
`;
  const { report } = await json(['-'], { stdin: gateway });
  assert.deepEqual(
    report.findings.map((f) => f.rule),
    [],
  );
});

test('found: a bare Pod is not asked for a preStop or other rollout rules', async () => {
  const pod = `apiVersion: v1
kind: Pod
metadata: {name: debug, labels: {app: web}}
spec:
  containers:
    - name: web
${withoutPreStop
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;
  const { report } = await json(['-'], { stdin: pod });
  assert.deepEqual(
    report.findings
      .map((f) => f.rule)
      .filter((r) => r.startsWith('prestop') || r === 'grace-budget'),
    [],
  );
});

// --- Misses ----------------------------------------------------------------------------------

test('found: a file with {{ in a ConfigMap value is audited, not skipped as a template', async () => {
  const dir = folder({
    'rendered.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tpl}\ndata:\n  greeting: "Hello {{ .Name }}"\n---\n${app(withoutPreStop)}`,
  });
  const { report, stderr } = await json(['.'], { cwd: dir });
  assert.doesNotMatch(stderr, /skipped/);
  assert.deepEqual(
    report.findings.map((f) => f.rule),
    ['prestop-missing'],
  );
});

test('found: skipped files are listed and make the run exit 2 unless --skip-unparsable', async () => {
  const dir = folder({
    'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
    'chart/templates/deployment.yaml':
      '{{- if .Values.enabled }}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n{{- end }}\n',
    'chart/templates/service.yaml':
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n{{ include "x" . }}\n',
    'web.yaml': app(GOOD_CONTAINER),
  });
  const run = await runCli(['audit', '.'], { cwd: dir });
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stderr, /chart\/templates\/deployment\.yaml/);
  assert.match(run.stderr, /chart\/templates\/service\.yaml/);
  const lenient = await runCli(['audit', '--skip-unparsable', '.'], { cwd: dir });
  assert.equal(lenient.code, 0, lenient.stdout + lenient.stderr);
  assert.match(lenient.stderr, /chart\/templates\/deployment\.yaml/);
});

test('found: YAML merge keys (<<: *base) are resolved: no false readiness-missing', async () => {
  const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: registry.example/web:1.2.3
          ports: [{containerPort: 8080}]
          <<: &health
            readinessProbe:
              httpGet: {path: /ready, port: 8080}
              periodSeconds: 5
            livenessProbe:
              httpGet: {path: /live, port: 8080}
              failureThreshold: 6
            lifecycle:
              preStop:
                sleep: {seconds: 5}
        - name: admin
          image: registry.example/admin:1.2.3
          ports: [{containerPort: 9000}]
          <<: *health
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}, {name: admin, port: 9000, targetPort: 9000}]
`;
  const { report, code } = await json(['-'], { stdin: text });
  assert.deepEqual(
    report.findings.map((f) => `${f.rule} ${f.container}`),
    [],
  );
  assert.equal(code, 0);
});

test('found: CMD ["sh","-c","… && node …"] in a Dockerfile is flagged like the same in a manifest', async () => {
  const { report } = await json(['-'], {
    stdin: 'FROM node:20-slim\nCOPY . .\nCMD ["sh", "-c", "node migrate.js && node server.js"]\n',
  });
  assert.ok(
    report.findings.some((f) => /exec/.test(f.fix) && f.fixable),
    JSON.stringify(report.findings),
  );
});

test('found: a final stage inheriting CMD from an earlier stage is checked', async () => {
  const { report } = await json(['-'], {
    stdin:
      'FROM node:20-slim AS base\nWORKDIR /app\nCMD npm start\n\nFROM base AS production\nCOPY . .\n',
  });
  const rules = report.findings.map((f) => f.rule).sort();
  assert.deepEqual(rules, ['dockerfile-npm-start', 'dockerfile-shell-form']);
});

test('found: symlinked files in a folder are audited, and link loops are reported', async () => {
  const dir = folder({ 'real/web.yaml': app(withoutPreStop) });
  mkdirSync(join(dir, 'k8s'));
  symlinkSync('../real/web.yaml', join(dir, 'k8s', 'web.yaml'));
  symlinkSync('..', join(dir, 'k8s', 'loop'));
  const { report, stderr } = await json(['k8s'], { cwd: dir });
  assert.deepEqual(
    report.findings.map((f) => f.rule),
    ['prestop-missing'],
  );
  assert.match(stderr, /loop/);
});

test('found: same-named objects in sibling variant files are reported, not merged', async () => {
  const variant = (replicas: number) =>
    app(withoutPreStop).replace('replicas: 3', `replicas: ${replicas}`);
  const dir = folder({
    'overlays/dev.yaml': variant(1),
    'overlays/staging.yaml': variant(2),
    'overlays/prod.yaml': variant(3),
  });
  const { report, stderr } = await json(['.'], { cwd: dir });
  for (const f of report.findings) assert.doesNotMatch(f.message, /Service "web", Service "web"/);
  assert.equal(report.findings.filter((f) => f.rule === 'prestop-missing').length, 3);
  assert.match(stderr, /Deployment default\/web .*3 files/);
});

// --- CI plumbing -----------------------------------------------------------------------------

const HELM = `---
# Source: web/templates/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
# Source: web/templates/deployment.yaml
${app(withoutPreStop).split('---')[0]}`;

test('found: --stdin-filename names stdin, and Helm # Source: comments map to chart templates', async () => {
  const named = await json(['--stdin-filename', 'deploy/rendered.yaml', '-'], { stdin: HELM });
  assert.equal(named.report.findings[0]?.file, 'deploy/rendered.yaml');
  const sarif = await runCli(['audit', '--format', 'sarif', '-'], { stdin: HELM });
  const result = JSON.parse(sarif.stdout).runs[0].results[0];
  assert.equal(
    result.locations[0].physicalLocation.artifactLocation.uri,
    'web/templates/deployment.yaml',
  );
  const j = JSON.parse((await runCli(['audit', '--format', 'json', '-'], { stdin: HELM })).stdout);
  assert.equal(j.findings[0].template?.file, 'web/templates/deployment.yaml');
});

test('found: SARIF partialFingerprints include the file', async () => {
  const dir = folder({ 'a/web.yaml': app(withoutPreStop), 'b/web.yaml': app(withoutPreStop) });
  const sarif = await runCli(['audit', '--format', 'sarif', 'a/web.yaml', 'b/web.yaml'], {
    cwd: dir,
  });
  const results = JSON.parse(sarif.stdout).runs[0].results as {
    partialFingerprints: Record<string, string>;
  }[];
  const prints = results.map((r) => JSON.stringify(r.partialFingerprints));
  assert.equal(new Set(prints).size, prints.length, prints.join('\n'));
});

test('found: JUnit counts add up (one testcase per object and rule)', async () => {
  const text = `${app(withoutPreStop.replace(/readinessProbe:[\s\S]*$/, ''))}`;
  const run = await runCli(['audit', '--format', 'junit', '-'], { stdin: text });
  const tests = Number(/<testsuites[^>]* tests="(\d+)"/.exec(run.stdout)?.[1]);
  const failures = Number(/<testsuites[^>]* failures="(\d+)"/.exec(run.stdout)?.[1]);
  const cases = run.stdout.match(/<testcase /g)?.length ?? 0;
  const failed = run.stdout.match(/<failure /g)?.length ?? 0;
  assert.equal(tests, cases);
  assert.equal(failures, failed);
  assert.ok(failures <= tests);
});

test('found: --fix --dry-run exits 1 when it would change a file', async () => {
  const dir = folder({ 'web.yaml': app(withoutPreStop) });
  const run = await runCli(['audit', '--fix', '--dry-run', 'web.yaml'], { cwd: dir });
  assert.match(run.stdout, /^\+\+\+ b\/web\.yaml/m);
  assert.equal(run.code, 1);
});

// --- Encodings and versions ------------------------------------------------------------------

test('found: UTF-16 input is read (or refused clearly), not "no Kubernetes objects"', async () => {
  const text = app(withoutPreStop);
  const dir = folder({});
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  writeFileSync(join(dir, 'utf16.yaml'), le);
  const run = await json(['utf16.yaml'], { cwd: dir });
  assert.doesNotMatch(run.stderr, /no Kubernetes objects/);
  assert.deepEqual(
    run.report.findings.map((f) => f.rule),
    ['prestop-missing'],
  );
});

test('found: Latin-1 bytes are not silently mangled', async () => {
  const dir = folder({});
  const text = app(withoutPreStop).replace(
    'name: web\nspec:',
    'name: web\n  annotations: {owner: "J\u00e9r\u00f4me"}\nspec:',
  );
  writeFileSync(join(dir, 'latin1.yaml'), Buffer.from(text, 'latin1'));
  const run = await runCli(['audit', '--fix', 'latin1.yaml'], { cwd: dir });
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stdout + run.stderr, /UTF-8/);
  assert.deepEqual(readFileSync(join(dir, 'latin1.yaml')), Buffer.from(text, 'latin1'));
});

test('found: --kube-version 2.0 is refused', async () => {
  const run = await runCli(['audit', '--kube-version', '2.0', '-'], { stdin: app(GOOD_CONTAINER) });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--kube-version/);
});

test('--fix writes a UTF-16 file back as UTF-16 with its byte-order mark, and it audits clean', async () => {
  const dir = folder({});
  const text = app(withoutPreStop);
  writeFileSync(
    join(dir, 'utf16.yaml'),
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
  );
  const fixed = await runCli(['audit', '--fix', 'utf16.yaml'], { cwd: dir });
  assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
  const bytes = readFileSync(join(dir, 'utf16.yaml'));
  assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfe]);
  assert.match(bytes.subarray(2).toString('utf16le'), /preStop:\n\s+sleep:\n\s+seconds: 5/);
  const again = await runCli(['audit', 'utf16.yaml'], { cwd: dir });
  assert.equal(again.code, 0, again.stdout);
});
