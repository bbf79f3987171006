// --ready-file goes through the one file writer: links are followed (the link stays a link), the
// path is checked before the app starts, and what cannot be removed safely is refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LameduckError } from '../../src/core/errors.ts';
import { prepareReadyFile } from '../../src/run/ready-file.ts';
import { withCli } from './fixtures/cli.ts';
import { programs } from './fixtures/programs.ts';

const dir = mkdtempSync(join(tmpdir(), 'lameduck-ready-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const io = { cwd: dir, stdout: process.stdout, stderr: process.stderr };

async function refusal(given: string): Promise<LameduckError> {
  try {
    await prepareReadyFile(given, io);
  } catch (error) {
    assert.ok(error instanceof LameduckError);
    return error;
  }
  assert.fail(`expected ${given} to be refused`);
}

test('a symlinked ready file writes and removes the real file; the link stays a link', async () => {
  mkdirSync(join(dir, 'real'));
  symlinkSync('real/ready', join(dir, 'link'));
  const file = await prepareReadyFile('link', io);
  assert.equal(file.path, join(dir, 'real', 'ready'));
  await file.write();
  assert.equal(readFileSync(join(dir, 'real', 'ready'), 'utf8'), 'ready\n');
  assert.ok(lstatSync(join(dir, 'link')).isSymbolicLink());
  file.remove();
  assert.equal(existsSync(join(dir, 'real', 'ready')), false);
  file.remove(); // already gone: fine
});

test('stdout, a device or a FIFO is refused with a run error and exit 2 (it would be removed)', async () => {
  for (const given of ['-', '/dev/stdout', '/dev/null']) {
    const error = await refusal(given);
    assert.equal(error.code, 'ERR_LAMEDUCK_RUN_READY_FILE');
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /--ready-file expects the path of a regular file/);
  }
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  assert.equal((await refusal('fifo')).code, 'ERR_LAMEDUCK_RUN_READY_FILE');
});

test('a folder that does not exist is an output error (exit 2) found before anything starts', async () => {
  const error = await refusal('missing/ready');
  assert.equal(error.code, 'ERR_LAMEDUCK_OUTPUT');
  assert.equal(error.exitCode, 2);
  assert.match(error.message, /--ready-file "missing\/ready".*does not exist/);
});

test('lameduck run with an unwritable --ready-file exits 2 and never starts the app', async () => {
  await withCli(
    (tmp) => [
      '--ready-file',
      join(tmp, 'no', 'such', 'ready'),
      '--',
      'touch',
      join(tmp, 'started'),
    ],
    async (cli) => {
      assert.equal(await cli.exited, 2);
      assert.match(cli.stderr(), /cannot write --ready-file .*does not exist/);
      assert.equal(existsSync(join(cli.dir, 'started')), false, 'the app was not started');
    },
  );
});

// The same checks hold for the native init: one behaviour spec for both programs.
for (const program of programs) {
  test(`${program.name}: --ready-file through a link, and paths that cannot be one`, {
    skip: program.unavailable ?? false,
  }, async () => {
    const case_ = mkdtempSync(join(dir, 'program-'));
    mkdirSync(join(case_, 'real'));
    symlinkSync('real/ready', join(case_, 'link'));
    const seen = join(case_, 'seen');
    await withCli(
      () => [
        '--ready-file',
        join(case_, 'link'),
        '--',
        'sh',
        '-c',
        `cat ${join(case_, 'real', 'ready')} > ${seen}`,
      ],
      async (cli) => {
        assert.equal(await cli.exited, 0);
      },
      {},
      program,
    );
    assert.equal(
      readFileSync(seen, 'utf8'),
      'ready\n',
      'the real file was written before the app started',
    );
    assert.ok(lstatSync(join(case_, 'link')).isSymbolicLink(), 'the link stays a link');
    execFileSync('mkfifo', [join(case_, 'fifo')]);
    for (const [given, message] of [
      ['/dev/null', /--ready-file expects the path of a regular file/],
      [join(case_, 'fifo'), /--ready-file expects the path of a regular file/],
      ['/dev/stdout', /--ready-file expects the path of a regular file/],
      [join(case_, 'no', 'ready'), /cannot write --ready-file .*does not exist/],
      [case_, /cannot write --ready-file .* is a folder/],
    ] as const) {
      await withCli(
        () => ['--ready-file', given, '--', 'touch', join(case_, 'started')],
        async (cli) => {
          assert.equal(await cli.exited, 2, `${given}: exit 2`);
          assert.match(cli.stderr(), message);
        },
        {},
        program,
      );
      assert.equal(existsSync(join(case_, 'started')), false, `${given}: the app was not started`);
    }
  });
}
