import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertDocumentedDefaults } from '../../../../test/support/docs.ts';
import command from '../../src/audit/command.ts';
import { RULE_IDS } from '../../src/audit/rules/registry.ts';
import { app, BIN, GOOD_CONTAINER, runCli } from './helpers.ts';

const withoutPreStop = GOOD_CONTAINER.replace(/lifecycle:[\s\S]*$/, '').trimEnd();

test('docs/audit.md documents every option with its default', () => {
  assertDocumentedDefaults(command, new URL('../../../../docs/audit.md', import.meta.url));
});

test('docs/audit-rules.md has a section for every rule, with why, fix and an example', () => {
  const text = readFileSync(new URL('../../../../docs/audit-rules.md', import.meta.url), 'utf8');
  const sections = text.split(/^## /m).slice(1);
  const ids = sections.map((s) => s.split('\n')[0]?.trim());
  assert.deepEqual(ids, [...RULE_IDS]);
  for (const section of sections) {
    assert.match(section, /\*\*What\.\*\*/);
    assert.match(section, /\*\*Why\.\*\*/);
    assert.match(section, /\*\*Fix\.\*\*/);
  }
});

test('exit 0 on a clean manifest, 1 on findings at or above --fail-on', async () => {
  const clean = await runCli(['audit', '-'], { stdin: app(GOOD_CONTAINER) });
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout, /No problems in 2 objects/);
  const dirty = await runCli(['audit', '-'], { stdin: app(withoutPreStop) });
  assert.equal(dirty.code, 1);
  assert.match(dirty.stdout, /-:\d+:\d+ warning prestop-missing: /);
  assert.match(dirty.stdout, /why: /);
  assert.match(dirty.stdout, /fix: add lifecycle\.preStop\.sleep\.seconds: 5/);
  const lenient = await runCli(['audit', '--fail-on', 'error', '-'], {
    stdin: app(withoutPreStop),
  });
  assert.equal(lenient.code, 0);
});

test('usage errors exit 2 and name the flag, what it expects and what it got', async () => {
  const version = await runCli(['audit', '--kube-version', 'latest', '-']);
  assert.equal(version.code, 2);
  assert.match(
    version.stderr,
    /--kube-version expects a Kubernetes version such as 1\.30 \(1\.x\), got "latest"/,
  );
  const rule = await runCli(['audit', '--disable', 'no-such-rule', '-']);
  assert.equal(rule.code, 2);
  assert.match(
    rule.stderr,
    /--disable expects a comma-separated list of .*prestop-missing.*got "no-such-rule"/,
  );
  const missing = await runCli(['audit', 'does-not-exist.yaml']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read does-not-exist\.yaml: ENOENT/);
  const empty = await runCli(['audit', '-'], { stdin: '# helm template failed\n' });
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /no Kubernetes objects or Dockerfiles in -/);
  const none = await runCli(['audit']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /missing argument <paths>/);
});

test('a parse error is reported as file:line:column and exits 2; the other documents are still audited', async () => {
  const stream = `${app(withoutPreStop)}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\ndata: {}\n`;
  const run = await runCli(['audit', '-'], { stdin: stream });
  assert.equal(run.code, 2);
  assert.match(run.stdout, /^-:\d+:\d+: parse error: /m);
  assert.match(run.stdout, /prestop-missing/);
});

test('a helm template stream on stdin is audited across documents', async () => {
  const stream = `---
# Source: web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: release-web
  labels:
    helm.sh/chart: web-0.1.0
    app.kubernetes.io/instance: release
spec:
  type: ClusterIP
  ports:
    - port: 80
      targetPort: http
      name: http
  selector:
    app.kubernetes.io/name: web
    app.kubernetes.io/instance: release
---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: release-web
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: web
      app.kubernetes.io/instance: release
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
        app.kubernetes.io/instance: release
    spec:
      containers:
        - name: web
          image: "nginx:1.27"
          imagePullPolicy: IfNotPresent
          ports:
            - name: http
              containerPort: 80
              protocol: TCP
          livenessProbe:
            httpGet:
              path: /
              port: http
          readinessProbe:
            httpGet:
              path: /
              port: http
---
# Source: web/templates/tests/test-connection.yaml
apiVersion: v1
kind: Pod
metadata:
  name: "release-web-test-connection"
  annotations:
    "helm.sh/hook": test
spec:
  containers:
    - name: wget
      image: busybox
      command: ['wget']
      args: ['release-web:80']
  restartPolicy: Never
`;
  const run = await runCli(['audit', '--format', 'json', '-'], { stdin: stream });
  assert.equal(run.code, 1);
  const report = JSON.parse(run.stdout);
  assert.equal(report.summary.objects, 3);
  const rules = report.findings
    .map((f: { rule: string; object: { name: string } }) => `${f.rule} ${f.object.name}`)
    .sort();
  assert.deepEqual(rules, ['prestop-missing release-web', 'probes-identical release-web']);
  assert.equal(report.findings[0].file, '-');
});

test('--fix rewrites files atomically and the result audits clean; --dry-run writes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lameduck-audit-'));
  try {
    const text = `# keep this comment\n${app(withoutPreStop)}`;
    writeFileSync(join(dir, 'web.yaml'), text);
    const preview = await runCli(['audit', '--fix', '--dry-run', 'web.yaml'], { cwd: dir });
    assert.match(preview.stdout, /^--- a\/web\.yaml\n\+\+\+ b\/web\.yaml\n@@ /);
    assert.match(preview.stdout, /^\+ {10}lifecycle:$/m);
    assert.equal(readFileSync(join(dir, 'web.yaml'), 'utf8'), text);
    assert.equal(preview.code, 1, 'a dry run that would change a file exits 1');

    const fixed = await runCli(['audit', '--fix', 'web.yaml'], { cwd: dir });
    assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
    assert.match(fixed.stderr, /fixed 1 finding\(s\) in 1 file\(s\)/);
    const after = readFileSync(join(dir, 'web.yaml'), 'utf8');
    assert.ok(after.startsWith('# keep this comment\n'));
    assert.deepEqual(readdirSync(dir), ['web.yaml'], 'no temporary file is left behind');
    const again = await runCli(['audit', 'web.yaml'], { cwd: dir });
    assert.equal(again.code, 0, again.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('absolute paths are read and fixed where they are, whatever the working directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lameduck-audit-'));
  try {
    const file = join(dir, 'web.yaml');
    writeFileSync(file, app(withoutPreStop));
    const run = await runCli(['audit', '--fix', file], { cwd: tmpdir() });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(readFileSync(file, 'utf8'), /preStop:/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('in directories, Helm templates are listed as skipped (exit 2 unless --skip-unparsable) and non-manifests are ignored', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lameduck-audit-'));
  try {
    mkdirSync(join(dir, 'chart', 'templates'), { recursive: true });
    writeFileSync(
      join(dir, 'chart', 'templates', 'deployment.yaml'),
      '{{- if .Values.enabled }}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n{{- end }}\n',
    );
    writeFileSync(
      join(dir, 'chart', 'values.yaml'),
      'replicaCount: 1\nimage: {repository: nginx}\n',
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      '{\n  // comments are fine here\n  "compilerOptions": {}\n}\n',
    );
    writeFileSync(join(dir, 'dockerfile.ts'), 'export const notADockerfile = true;\n');
    writeFileSync(join(dir, 'web.yaml'), app(GOOD_CONTAINER));
    const run = await runCli(['audit', '.'], { cwd: dir });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stdout, /No problems in 2 objects/);
    assert.match(
      run.stderr,
      /skipped chart\/templates\/deployment\.yaml: a Helm\/Go template: render it first \(helm template/,
    );
    const lenient = await runCli(['audit', '--skip-unparsable', '.'], { cwd: dir });
    assert.equal(lenient.code, 0, lenient.stdout + lenient.stderr);
    // Named explicitly, a template is audited, and its parse error reported.
    const explicit = await runCli(['audit', 'chart/templates/deployment.yaml'], { cwd: dir });
    assert.equal(explicit.code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--fix on stdin prints the fixed stream and reports on stderr', async () => {
  const run = await runCli(['audit', '--fix', '-'], { stdin: app(withoutPreStop) });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /preStop:\n\s+sleep:\n\s+seconds: 5/);
  assert.match(run.stderr, /No problems/);
});

test('directories are searched recursively for manifests and Dockerfiles', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lameduck-audit-'));
  try {
    writeFileSync(join(dir, 'web.yml'), app(GOOD_CONTAINER));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM node:20-slim\nCOPY . .\nCMD ["npm", "start"]\n');
    writeFileSync(join(dir, 'README.md'), '# not audited\n');
    const run = await runCli(['audit', '--format', 'json', '.'], { cwd: dir });
    const report = JSON.parse(run.stdout);
    assert.deepEqual(
      report.findings.map(
        (f: { rule: string; file: string; line: number }) => `${f.file}:${f.line} ${f.rule}`,
      ),
      ['Dockerfile:3 dockerfile-npm-start'],
    );
    assert.equal(run.code, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the real binary reads a piped stream: helm template … | lameduck audit -', async () => {
  const child = spawn(process.execPath, [BIN, 'audit', '--format', 'sarif', '-'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  // Write in pieces, as a producer process would: the rest once the first piece is in the pipe.
  const stream = app(withoutPreStop);
  child.stdin.write(stream.slice(0, 100), () => child.stdin.end(stream.slice(100)));
  const [code] = (await once(child, 'exit')) as [number];
  assert.equal(code, 1);
  const log = JSON.parse(stdout);
  assert.deepEqual(
    log.runs[0].results.map((r: { ruleId: string }) => r.ruleId),
    ['prestop-missing'],
  );
  assert.equal(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'stdin');
});
