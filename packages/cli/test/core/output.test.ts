// The one file writer, against the real file system: links, devices, FIFOs and folders that refuse.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
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
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LameduckError } from '../../src/core/errors.ts';
import { prepareOutput, writeOutput, writeOutputFile } from '../../src/core/output.ts';

const root = mkdtempSync(join(tmpdir(), 'lameduck-output-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const folder = () => {
  const dir = join(root, `case-${n++}`);
  mkdirSync(dir);
  return dir;
};

function sink() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  return {
    stdout,
    stderr,
    out: () => Buffer.concat(out).toString(),
    err: () => Buffer.concat(err).toString(),
  };
}

async function rejectsWith(promise: Promise<unknown>, pattern: RegExp, exitCode = 2) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof LameduckError, `a LameduckError, got ${String(error)}`);
    assert.equal(error.code, 'ERR_LAMEDUCK_OUTPUT');
    assert.equal(error.exitCode, exitCode);
    assert.match(error.message, pattern);
    return true;
  });
}

const onlyFiles = (dir: string) => readdirSync(dir).sort();

test('a new file, relative to the working directory, is created with the content', async () => {
  const cwd = folder();
  const io = { cwd, ...sink() };
  await writeOutputFile('--json', 'out.json', '{"a":1}\n', io);
  assert.equal(readFileSync(join(cwd, 'out.json'), 'utf8'), '{"a":1}\n');
  assert.deepEqual(onlyFiles(cwd), ['out.json'], 'no temporary or probe file left behind');
});

test('an existing file is replaced atomically (new inode) and keeps its mode', async () => {
  const cwd = folder();
  const file = join(cwd, 'report.json');
  writeFileSync(file, 'old content that is longer than the new one\n');
  chmodSync(file, 0o640);
  const before = statSync(file);
  await writeOutputFile('--json', file, 'new\n', { cwd, ...sink() });
  const after = statSync(file);
  assert.equal(readFileSync(file, 'utf8'), 'new\n');
  assert.notEqual(after.ino, before.ino, 'written beside and renamed over, never in place');
  assert.equal(after.mode & 0o7777, 0o640);
  assert.deepEqual(onlyFiles(cwd), ['report.json']);
});

test('a symbolic link stays a link and the file it points at is written', async () => {
  const cwd = folder();
  writeFileSync(join(cwd, 'real.yaml'), 'old\n');
  symlinkSync('real.yaml', join(cwd, 'link.yaml'));
  await writeOutputFile('--fix', 'link.yaml', 'fixed\n', { cwd, ...sink() });
  assert.ok(lstatSync(join(cwd, 'link.yaml')).isSymbolicLink());
  assert.equal(readlinkSync(join(cwd, 'link.yaml')), 'real.yaml');
  assert.equal(readFileSync(join(cwd, 'real.yaml'), 'utf8'), 'fixed\n');
});

test('a link into another folder (through a chain of links) writes the file in that folder', async () => {
  const cwd = folder();
  const elsewhere = folder();
  writeFileSync(join(elsewhere, 'deploy.yaml'), 'old\n');
  symlinkSync(join(elsewhere, 'deploy.yaml'), join(cwd, 'hop2'));
  symlinkSync('hop2', join(cwd, 'hop1'));
  const target = await prepareOutput('--fix', 'hop1', { cwd });
  assert.deepEqual(target, {
    flag: '--fix',
    given: 'hop1',
    kind: 'atomic',
    path: join(elsewhere, 'deploy.yaml'),
  });
  await writeOutput(target, 'fixed\n', sink());
  assert.equal(readFileSync(join(elsewhere, 'deploy.yaml'), 'utf8'), 'fixed\n');
  assert.deepEqual(onlyFiles(elsewhere), ['deploy.yaml']);
  assert.ok(lstatSync(join(cwd, 'hop1')).isSymbolicLink());
  assert.ok(lstatSync(join(cwd, 'hop2')).isSymbolicLink());
});

test('a dangling link creates the file it points at, as a shell redirection does', async () => {
  const cwd = folder();
  symlinkSync('made.json', join(cwd, 'link.json'));
  await writeOutputFile('--json', 'link.json', 'x\n', { cwd, ...sink() });
  assert.ok(lstatSync(join(cwd, 'link.json')).isSymbolicLink());
  assert.equal(readFileSync(join(cwd, 'made.json'), 'utf8'), 'x\n');
});

test('- and /dev/stdout go to standard output, /dev/stderr to standard error', async () => {
  for (const given of ['-', '/dev/stdout', '/dev/fd/1', '/proc/self/fd/1']) {
    const io = { cwd: folder(), ...sink() };
    await writeOutputFile('--json', given, `to ${given}\n`, io);
    assert.equal(io.out(), `to ${given}\n`);
  }
  const io = { cwd: folder(), ...sink() };
  await writeOutputFile('--json', '/dev/stderr', 'err\n', io);
  assert.equal(io.err(), 'err\n');
  // A link to /dev/stdout is standard output too.
  const cwd = folder();
  symlinkSync('/dev/stdout', join(cwd, 'out'));
  const linked = { cwd, ...sink() };
  await writeOutputFile('--json', 'out', 'linked\n', linked);
  assert.equal(linked.out(), 'linked\n');
});

test('/dev/stdout in a real process: the content reaches the pipe and /dev/stdout stays a link', () => {
  const script = `
    import { writeOutputFile } from ${JSON.stringify(fileURLToPath(new URL('../../src/core/output.ts', import.meta.url)))};
    await writeOutputFile('--json', '/dev/stdout', 'through the pipe\\n', { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr });
  `;
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(result.stderr, '');
  assert.equal(result.stdout, 'through the pipe\n');
  assert.ok(lstatSync('/dev/stdout').isSymbolicLink());
});

test('a character device is written in place', async () => {
  const target = await prepareOutput('--html', '/dev/null', { cwd: folder() });
  assert.equal(target.kind, 'direct');
  await writeOutput(target, 'discarded', sink());
  assert.ok(lstatSync('/dev/null').isCharacterDevice());
});

test('a FIFO is written in place, to the reader at the other end', async () => {
  const cwd = folder();
  const fifo = join(cwd, 'pipe');
  execFileSync('mkfifo', [fifo]);
  const reader = spawn('cat', [fifo]);
  const chunks: Buffer[] = [];
  reader.stdout.on('data', (c: Buffer) => chunks.push(c));
  const closed = new Promise((resolve) => reader.on('close', resolve));
  const target = await prepareOutput('--json', fifo, { cwd });
  assert.equal(target.kind, 'direct');
  await writeOutput(target, 'through the fifo\n', sink());
  await closed;
  assert.equal(Buffer.concat(chunks).toString(), 'through the fifo\n');
  assert.ok(lstatSync(fifo).isFIFO());
});

test('a folder that refuses new files is found before anything is written (exit 2)', async (t) => {
  const cwd = folder();
  const locked = join(cwd, 'locked');
  mkdirSync(locked);
  writeFileSync(join(locked, 'keep.json'), 'old\n');
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    // root writes through permission bits: a read-only mount is what refuses it.
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', locked]);
    if (mounted.status !== 0) return t.skip(`mount -o ro failed: ${mounted.stderr}`);
    t.after(() => spawnSync('umount', [locked]));
  } else {
    chmodSync(locked, 0o555);
    t.after(() => chmodSync(locked, 0o755));
  }
  const given = join(locked, isRoot ? 'new.json' : 'keep.json');
  await rejectsWith(
    prepareOutput('--json', given, { cwd }),
    /--json ".*": the folder .*locked does not take new files \((read-only file system|permission denied)\)/,
  );
  if (!isRoot) assert.equal(readFileSync(join(locked, 'keep.json'), 'utf8'), 'old\n');
  assert.deepEqual(onlyFiles(locked), isRoot ? [] : ['keep.json'], 'nothing half-written');
});

test('a missing folder, a folder as target and a link loop are usage errors naming the flag', async () => {
  const cwd = folder();
  await rejectsWith(
    prepareOutput('--json', '/nonexistent/x.json', { cwd }),
    /^lameduck: cannot write --json "\/nonexistent\/x.json": the folder \/nonexistent does not exist$/,
  );
  await rejectsWith(prepareOutput('--html', cwd, { cwd }), /--html ".*": .* is a folder$/);
  symlinkSync('b', join(cwd, 'a'));
  symlinkSync('a', join(cwd, 'b'));
  await rejectsWith(prepareOutput('--junit', 'a', { cwd }), /too many symbolic links/);
  writeFileSync(join(cwd, 'file'), '');
  await rejectsWith(
    prepareOutput('--json', 'file/x.json', { cwd }),
    /--json "file\/x.json": .*file is not a folder/,
  );
  await rejectsWith(prepareOutput('--json', '', { cwd }), /expected a file path or - /);
});

test('a write that fails after preparing (the folder vanished) exits 1 and leaves no temporary file', async () => {
  const cwd = folder();
  const sub = join(cwd, 'sub');
  mkdirSync(sub);
  const target = await prepareOutput('--json', join(sub, 'x.json'), { cwd });
  rmSync(sub, { recursive: true });
  await rejectsWith(writeOutput(target, 'x', sink()), /no such file or folder/, 1);
  assert.deepEqual(onlyFiles(cwd), []);
});
