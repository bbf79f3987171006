// lameduck-init under abuse: signal storms, 1,000 forked children, an app that closes its stdio, an
// init started with its own stdio closed. The fixture app and helpers are the run tests' own
// (packages/cli/test/run/fixtures), so the behaviour is held to the same spec as the PID-1 matrix.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { count, withCli } from '../../cli/test/run/fixtures/cli.ts';
import { lameduckInit } from '../../cli/test/run/fixtures/programs.ts';

const program = lameduckInit;

describe('lameduck-init under abuse', { skip: program.unavailable ?? false }, () => {
  test('a storm of 4 x 300 signals: the init survives, each reaches the app at most as often as sent, SIGTERM still drains', async () => {
    await withCli(
      ['--', 'node', 'app.mjs'],
      async (cli) => {
        await cli.waitFor('the app', () => count(cli.log(), 'ready') >= 1);
        const storm = ['SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'] as const;
        for (let i = 0; i < 300; i++) {
          for (const signal of storm) cli.signal(signal);
        }
        // Standard signals coalesce while pending: every kind arrives at least once, never more
        // often than it was sent.
        await cli.waitFor('every kind of signal at the app', () =>
          storm.every((s) => count(cli.log(), s.toLowerCase()) >= 1),
        );
        for (const s of storm) assert.ok(count(cli.log(), s.toLowerCase()) <= 300, s);
        cli.signal('SIGTERM');
        assert.equal(await cli.exited, 0, cli.stderr());
        assert.deepEqual(cli.markers(), ['drained']);
        assert.equal(count(cli.log(), 'sigterm#1'), 1);
      },
      {},
      program,
    );
  });

  test('a storm of SIGTERMs during --drain-delay: the first holds, the next passes SIGTERM on, the rest are passed on too, the drain completes', async () => {
    await withCli(
      ['--drain-delay', '60s', '--verbose', '--', 'node', 'app.mjs'],
      async (cli) => {
        await cli.waitFor('the app', () => count(cli.log(), 'ready') >= 1);
        cli.signal('SIGTERM');
        await cli.waitFor('the delay', () => /holding SIGTERM back/.test(cli.stderr()));
        // Signals of one kind that arrive while one is pending merge into one: the storm comes once
        // the first SIGTERM was taken, so at least one more reaches the init.
        for (let i = 0; i < 200; i++) cli.signal('SIGTERM');
        assert.equal(await cli.exited, 0, cli.stderr());
        assert.deepEqual(cli.markers(), ['drained']);
        assert.match(cli.stderr(), /holding SIGTERM back for 1m/);
        assert.match(cli.stderr(), /SIGTERM during the drain delay: passing SIGTERM on now/);
        assert.doesNotMatch(cli.stderr(), /grace period/);
      },
      {},
      program,
    );
  });

  test('1,000 forked children left behind by the main child: all get SIGTERM, all are reaped, exit 0', async () => {
    // sh starts 1,000 sleeps in the background and exits: they are orphans, re-parented to the init
    // (a child subreaper), which must signal and wait for every one of them.
    const script = 'i=0; while [ $i -lt 1000 ]; do sleep 600 & i=$((i+1)); done; exit 0';
    await withCli(
      ['--verbose', '--grace', '60s', '--', 'sh', '-c', script],
      async (cli) => {
        assert.equal(await cli.exited, 0, cli.stderr().slice(-2000));
        const stderr = cli.stderr();
        assert.match(stderr, /1000 process\(es\) left after the main child/);
        // Under load a few children may still be the forked sh, not yet sleep, when SIGTERM comes.
        assert.equal((stderr.match(/reaped orphan \d+ \((sleep|sh)\)/g) ?? []).length, 1000);
        assert.match(stderr, /every process of the app has exited/);
        assert.doesNotMatch(stderr, /grace period/);
      },
      {},
      program,
    );
  });

  test('an app that closes its stdin, stdout and stderr drains as usual', async () => {
    await withCli(
      ['--', 'sh', '-c', 'exec 0<&- 1>&- 2>&-; exec node app.mjs'],
      async (cli) => {
        await cli.waitFor('the app', () => count(cli.log(), 'ready') >= 1);
        cli.signal('SIGTERM');
        assert.equal(await cli.exited, 0, cli.stderr());
        assert.deepEqual(cli.markers(), ['drained']);
      },
      {},
      program,
    );
  });

  test('an init started with stdio closed gives the app /dev/null, and no descriptor of its own', async () => {
    // The init gets a readiness socket and a ready file too: neither may leak into the app.
    const dir = mkdtempSync(join(tmpdir(), 'lameduck-init-fds-'));
    const init = [...program.argv, '--ready-port', '0', '--ready-host', '127.0.0.1'];
    const argv = [...init, '--ready-file', join(dir, 'READY'), '--', 'sleep', '30'];
    const child = spawn('sh', ['-c', 'exec 0<&- 1>&- 2>&-; exec "$@"', 'sh', ...argv], {
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? code)),
    );
    try {
      const children = `/proc/${child.pid}/task/${child.pid}/children`;
      let app = 0;
      for (let i = 0; i < 250 && !app; i++) {
        await sleep(20);
        const pid = Number(readFileSync(children, 'utf8').trim().split(' ')[0]);
        if (pid && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep') app = pid;
      }
      assert.ok(app, 'the app started');
      const fds = (pid: number) =>
        new Map(
          readdirSync(`/proc/${pid}/fd`).map((fd) => [fd, readlinkSync(`/proc/${pid}/fd/${fd}`)]),
        );
      const appFds = fds(app);
      for (const fd of ['0', '1', '2']) assert.equal(appFds.get(fd), '/dev/null', `fd ${fd}`);
      // What the init opened itself (its signalfd, its listening socket) stays with the init; what
      // the test runner let it inherit is passed on, as by any other init.
      const own = [...fds(child.pid as number).values()].filter((t) =>
        /^(socket|anon_inode):/.test(t),
      );
      assert.ok(own.length >= 2, `the init's own descriptors: ${own.join(', ')}`);
      const leaked = [...appFds.values()].filter((t) => own.includes(t));
      assert.deepEqual(leaked, [], 'descriptors of the init leaked into the app');
      child.kill('SIGTERM');
      assert.equal(await exited, 143);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a readiness endpoint keeps answering while clients connect and never send a request', async () => {
    await withCli(
      ['--ready-port', '0', '--ready-host', '127.0.0.1', '--verbose', '--', 'node', 'app.mjs'],
      async (cli) => {
        await cli.waitFor('the endpoint', () =>
          /readiness endpoint on port \d+/.test(cli.stderr()),
        );
        const port = Number(/readiness endpoint on port (\d+)/.exec(cli.stderr())?.[1]);
        const { connect } = await import('node:net');
        // More idle clients than the endpoint keeps: the oldest make room, probes still get answers.
        const idle = Array.from({ length: 40 }, () =>
          connect(port, '127.0.0.1').on('error', () => {}),
        );
        await sleep(200);
        for (let i = 0; i < 5; i++) {
          const response = await fetch(`http://127.0.0.1:${port}/ready`);
          assert.equal(response.status, 200);
          assert.equal(await response.text(), 'ready\n');
        }
        const head = await fetch(`http://127.0.0.1:${port}/`, { method: 'HEAD' });
        assert.equal(head.status, 200);
        for (const socket of idle) socket.destroy();
        cli.signal('SIGTERM');
        assert.equal(await cli.exited, 0, cli.stderr());
      },
      {},
      program,
    );
  });
});
