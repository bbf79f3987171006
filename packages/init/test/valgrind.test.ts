// lameduck-init under valgrind's memcheck (a dynamically linked -g -O0 build: valgrind follows a
// static musl binary poorly): no invalid read or write, no use of uninitialised memory, no leak
// (definite, indirect or possible) in any path the run spec takes: exit codes, usage errors, a
// command that does not exist, the drain delay with the readiness file and endpoint, the deadline,
// grandchildren and orphans. Valgrind prints nothing with -q unless it found an error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  count,
  type RunningCli,
  sigtermWhenReady,
  withCli,
} from '../../cli/test/run/fixtures/cli.ts';
import type { ProgramUnderTest } from '../../cli/test/run/fixtures/programs.ts';
import { initBinary } from './support/binary.ts';

const debugBuild = initBinary('debug');
const hasValgrind = spawnSync('valgrind', ['--version']).status === 0;
const VALGRIND = [
  'valgrind',
  '-q',
  '--leak-check=full',
  '--show-leak-kinds=definite,indirect,possible',
  '--errors-for-leak-kinds=definite,indirect,possible',
  '--error-exitcode=99',
];
const program: ProgramUnderTest = {
  name: 'lameduck-init under valgrind',
  argv: [...VALGRIND, debugBuild.path ?? ''],
  native: true,
  unavailable: undefined,
};
const skip = !hasValgrind
  ? 'valgrind is not installed (Debian package valgrind)'
  : debugBuild.path
    ? false
    : `no debug build: ${debugBuild.why}`;

/** Valgrind's own lines start with ==pid==. */
function assertClean(stderr: string): void {
  const reports = stderr.split('\n').filter((line) => /^==\d+==/.test(line));
  assert.deepEqual(reports, [], `valgrind found errors:\n${stderr}`);
}

const run = (args: Parameters<typeof withCli>[0], body: (cli: RunningCli) => Promise<void>) =>
  withCli(args, body, {}, program);

describe('lameduck-init under valgrind', { skip }, () => {
  test('exit codes, usage errors, 126 and 127: no memory errors, no leaks', async () => {
    const cases: [string[], number][] = [
      [['--', 'sh', '-c', 'exit 3'], 3],
      [['--remap-exit', '3:0,143:1', '--', 'sh', '-c', 'exit 3'], 0],
      [['--gracee', '5s', '--', 'true'], 2],
      [['--remap-exit', '1:2,1:3', '--', 'true'], 2],
      [['--help'], 0],
      [['--', 'no-such-command-lameduck'], 127],
      [['--', './package.json'], 126],
    ];
    for (const [args, code] of cases) {
      await run(args, async (cli) => {
        assert.equal(await cli.exited, code, `${args.join(' ')}\n${cli.stderr()}`);
        assertClean(cli.stderr());
      });
    }
  });

  test('the drain delay with the ready file and endpoint, skipped by a second signal', async () => {
    const args = (dir: string) => [
      '--drain-delay',
      '60s',
      '--ready-port',
      '0',
      '--ready-host',
      '127.0.0.1',
      '--ready-file',
      join(dir, 'READY'),
      '--verbose',
      '--',
      'node',
      'app.mjs',
    ];
    await run(args, async (cli) => {
      await cli.waitFor('the endpoint', () => /readiness endpoint on port \d+/.test(cli.stderr()));
      await cli.waitFor('the app', () => count(cli.log(), 'ready') >= 1);
      const port = /readiness endpoint on port (\d+)/.exec(cli.stderr())?.[1];
      assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 200);
      cli.signal('SIGTERM');
      await cli.waitFor('the delay', () => /holding SIGTERM back/.test(cli.stderr()));
      assert.equal((await fetch(`http://127.0.0.1:${port}/`, { method: 'HEAD' })).status, 503);
      cli.signal('SIGINT');
      assert.equal(await cli.exited, 0, cli.stderr());
      assert.deepEqual(cli.markers(), ['drained']);
      assertClean(cli.stderr());
    });
  });

  test('the deadline kills what ignores SIGTERM', async () => {
    await run(['--grace', '1s', '--', 'node', 'app.mjs', '--ignore-term'], async (cli) => {
      assert.equal(await sigtermWhenReady(cli), 137);
      assert.match(cli.stderr(), /grace period of 1s is over/);
      assertClean(cli.stderr());
    });
  });

  test('grandchildren that outlive their parent', async () => {
    await run(['--verbose', '--', 'node', 'app.mjs', '--grandchildren', '2'], async (cli) => {
      assert.equal(await sigtermWhenReady(cli, 3), 0);
      assert.deepEqual(cli.markers(), ['drained', 'drained']);
      // Whether the init or their parent reaps them depends on who exits first, which a busy machine
      // decides (a grandchild that finishes before its parent exits is reaped by the parent); the
      // PID-1 matrix checks orphan reaping where the order is fixed. Here: no error, no leak.
    });
  });
});
