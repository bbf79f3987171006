// Reading the inputs: what is read from files, folders and stdin, and the errors (with their codes)
// for paths that cannot be read or folders with nothing to audit.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { readSources } from '../../../src/audit/input/read-sources.ts';
import { LameduckError } from '../../../src/core/errors.ts';
import { app, auditError, GOOD_CONTAINER, runCli } from '../helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'lameduck-audit-input-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const folder = () => {
  const dir = join(root, `case-${n++}`);
  mkdirSync(dir);
  return dir;
};
const read = (paths: string[], cwd: string, stdin = '') => {
  const stream = new PassThrough();
  stream.end(stdin);
  return readSources(paths, { cwd, stdin: stream });
};

async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof LameduckError, `a LameduckError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.exitCode, 2);
    assert.match(error.message, message);
    return true;
  });
}

test('files as given, folders recursively, stdin as YAML or a Dockerfile', async () => {
  const cwd = folder();
  mkdirSync(join(cwd, 'k8s', 'base'), { recursive: true });
  writeFileSync(join(cwd, 'k8s', 'base', 'web.yaml'), app(GOOD_CONTAINER));
  writeFileSync(join(cwd, 'k8s', 'Dockerfile.prod'), 'FROM node:22\nCMD ["node", "a.js"]\n');
  writeFileSync(join(cwd, 'k8s', 'notes.md'), '# not read\n');
  const { sources, skipped } = await read(['k8s', '-'], cwd, 'FROM node:22\n');
  assert.deepEqual(
    sources.map((s) => `${s.file} ${s.type}`),
    ['k8s/Dockerfile.prod dockerfile', 'k8s/base/web.yaml yaml', '- dockerfile'],
  );
  assert.deepEqual(skipped, []);
});

test('a path that does not exist, or a link to nothing: ERR_LAMEDUCK_AUDIT_UNREADABLE', async () => {
  const cwd = folder();
  await rejectsWith(
    read(['nope.yaml'], cwd),
    'ERR_LAMEDUCK_AUDIT_UNREADABLE',
    /^lameduck audit: cannot read nope\.yaml: ENOENT$/,
  );
  symlinkSync('gone.yaml', join(cwd, 'dangling.yaml'));
  await rejectsWith(
    read(['dangling.yaml'], cwd),
    'ERR_LAMEDUCK_AUDIT_UNREADABLE',
    /cannot read dangling\.yaml: ENOENT/,
  );
});

test('a path that exists but cannot be read (a socket) is an input error, not a crash', async (t) => {
  const cwd = folder();
  const server = createServer();
  await new Promise<void>((done) => server.listen(join(cwd, 'api.sock'), done));
  t.after(() => server.close());
  await rejectsWith(
    read(['api.sock'], cwd),
    'ERR_LAMEDUCK_AUDIT_UNREADABLE',
    /^lameduck audit: cannot read api\.sock: ENXIO$/,
  );
  const run = await runCli(['audit', 'api.sock'], { cwd });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /cannot read api\.sock: ENXIO/);
});

test('a folder without manifests or Dockerfiles: ERR_LAMEDUCK_AUDIT_EMPTY_FOLDER', async () => {
  const cwd = folder();
  mkdirSync(join(cwd, 'docs'));
  writeFileSync(join(cwd, 'docs', 'README.md'), '# nothing to audit\n');
  await rejectsWith(
    read(['docs'], cwd),
    'ERR_LAMEDUCK_AUDIT_EMPTY_FOLDER',
    /^lameduck audit: docs holds no \.yaml, \.yml, \.json or Dockerfile$/,
  );
});

test('input with no Kubernetes object (a failed helm template): ERR_LAMEDUCK_AUDIT_NO_OBJECTS', async () => {
  const error = await auditError(['-'], { stdin: '# helm template failed\n' });
  assert.equal(error.code, 'ERR_LAMEDUCK_AUDIT_NO_OBJECTS');
  assert.equal(error.exitCode, 2);
  assert.match(error.message, /no Kubernetes objects or Dockerfiles in -/);
  const usage = await auditError(['--kube-version', 'latest', '-']);
  assert.equal(usage.code, 'ERR_LAMEDUCK_USAGE');
  assert.equal(usage.exitCode, 2);
});

test('in a folder: links are followed, a loop or a link to nothing is listed, a file reached twice is read once', async () => {
  const cwd = folder();
  mkdirSync(join(cwd, 'real'));
  writeFileSync(join(cwd, 'real', 'web.yaml'), app(GOOD_CONTAINER));
  symlinkSync('real', join(cwd, 'alias'));
  symlinkSync('.', join(cwd, 'real', 'self'));
  symlinkSync('gone.yaml', join(cwd, 'real', 'dangling.yaml'));
  const { sources, skipped } = await read(['.'], cwd);
  assert.deepEqual(
    sources.map((s) => s.file),
    ['alias/web.yaml'],
  );
  assert.deepEqual(skipped.map((s) => `${s.file} ${s.reason}`).sort(), [
    'alias/dangling.yaml dangling-link',
    'alias/self link-loop',
    'real link-loop',
  ]);
});

test('--stdin-filename names stdin; a Dockerfile name makes it a Dockerfile with the package.json beside it', async () => {
  const cwd = folder();
  mkdirSync(join(cwd, 'api'));
  writeFileSync(
    join(cwd, 'api', 'package.json'),
    JSON.stringify({ scripts: { start: 'node a.js' } }),
  );
  const stream = new PassThrough();
  stream.end('# no FROM first, but named a Dockerfile\nFROM node:22\nCMD ["npm", "start"]\n');
  const { sources } = await readSources(['-'], {
    cwd,
    stdin: stream,
    stdinFilename: 'api/Dockerfile',
  });
  assert.deepEqual(
    sources.map((s) => [s.file, s.type, s.stdin, s.scripts]),
    [['api/Dockerfile', 'dockerfile', true, { start: 'node a.js' }]],
  );
});
