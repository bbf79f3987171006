// `lameduck audit --fix` writes through the one file writer (core/output.ts): run as a user runs it,
// with the built binary, against links, links into other folders and folders that refuse new files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { app, GOOD_CONTAINER, runBinary } from '../helpers.ts';

const DIRTY = app(GOOD_CONTAINER.replace(/lifecycle:[\s\S]*$/, '').trimEnd());
const FIXED = /lifecycle:\n {12}preStop:\n {14}sleep:\n {16}seconds: 5\n/;

const root = mkdtempSync(join(tmpdir(), 'lameduck-audit-fix-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const folder = () => {
  const dir = join(root, `case-${n++}`);
  mkdirSync(dir);
  return dir;
};
const list = (dir: string) => readdirSync(dir).sort();

test('--fix on a symlinked manifest fixes the real file; the link stays a link', async () => {
  const cwd = folder();
  const real = join(cwd, 'web.real.yaml');
  writeFileSync(real, DIRTY);
  chmodSync(real, 0o640);
  symlinkSync('web.real.yaml', join(cwd, 'web.yaml'));
  const inode = statSync(real).ino;

  const run = await runBinary(['audit', '--fix', 'web.yaml'], { cwd });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stderr, /fixed 1 finding\(s\) in 1 file\(s\)/);
  assert.ok(lstatSync(join(cwd, 'web.yaml')).isSymbolicLink(), 'the link is still a link');
  assert.equal(readlinkSync(join(cwd, 'web.yaml')), 'web.real.yaml');
  assert.match(readFileSync(real, 'utf8'), FIXED);
  assert.notEqual(statSync(real).ino, inode, 'replaced atomically (a new file renamed over it)');
  assert.equal(statSync(real).mode & 0o7777, 0o640, 'mode kept');
  assert.deepEqual(list(cwd), ['web.real.yaml', 'web.yaml'], 'no temporary file left');

  const again = await runBinary(['audit', 'web.yaml'], { cwd });
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /No problems in 2 objects/);
});

test('--fix on a link into another folder writes the file in that folder', async () => {
  const cwd = folder();
  mkdirSync(join(cwd, 'deploy'));
  mkdirSync(join(cwd, 'shared'));
  const real = join(cwd, 'shared', 'web.yaml');
  writeFileSync(real, DIRTY);
  symlinkSync('../shared/web.yaml', join(cwd, 'deploy', 'web.yaml'));

  const run = await runBinary(['audit', '--fix', 'deploy/web.yaml'], { cwd });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(readlinkSync(join(cwd, 'deploy', 'web.yaml')), '../shared/web.yaml');
  assert.match(readFileSync(real, 'utf8'), FIXED);
  assert.deepEqual(list(join(cwd, 'deploy')), ['web.yaml']);
  assert.deepEqual(list(join(cwd, 'shared')), ['web.yaml']);

  const again = await runBinary(['audit', 'deploy/web.yaml'], { cwd });
  assert.equal(again.code, 0, again.stdout + again.stderr);
});

test('--fix with a file in a read-only folder: exit 2 before anything is written', async (t) => {
  const cwd = folder();
  const locked = join(cwd, 'locked');
  mkdirSync(locked);
  const writable = join(cwd, 'other.yaml');
  const stuck = join(locked, 'web.yaml');
  // Both files need the fix; the one that can be written is named first.
  writeFileSync(writable, DIRTY.replace(/\bweb\b/g, 'other'));
  if (process.getuid?.() === 0) {
    // root writes through permission bits: a read-only mount is what refuses it.
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', locked]);
    if (mounted.status !== 0) return t.skip(`mount failed: ${mounted.stderr}`);
    t.after(() => spawnSync('umount', [locked]));
    writeFileSync(stuck, DIRTY);
    const ro = spawnSync('mount', ['-o', 'remount,ro', locked]);
    if (ro.status !== 0) return t.skip(`mount -o remount,ro failed: ${ro.stderr}`);
  } else {
    writeFileSync(stuck, DIRTY);
    chmodSync(locked, 0o555);
    t.after(() => chmodSync(locked, 0o755));
  }

  const run = await runBinary(['audit', '--fix', 'other.yaml', 'locked/web.yaml'], { cwd });
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(
    run.stderr,
    /cannot write --fix "locked\/web\.yaml": the folder .*locked does not take new files \((read-only file system|permission denied)\)/,
  );
  assert.equal(readFileSync(stuck, 'utf8'), DIRTY, 'the file in the read-only folder is as it was');
  assert.equal(
    readFileSync(writable, 'utf8'),
    DIRTY.replace(/\bweb\b/g, 'other'),
    'nothing half-written: the writable file is not fixed either',
  );
  assert.deepEqual(list(locked), ['web.yaml']);
  assert.deepEqual(list(cwd), ['locked', 'other.yaml']);
});
