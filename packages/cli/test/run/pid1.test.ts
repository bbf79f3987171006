// `lameduck run` and `lameduck-init` as PID 1 of a fresh PID namespace, SIGTERMed the way a container
// runtime does it: every drain completes, the exit code is the app's, no app process is cut, zombies
// are reaped. One spec: the matrix runs against both programs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadReaper } from '../../src/run/native.ts';
import { entrypointCases } from './fixtures/cases.ts';
import {
  fixturesDir,
  namespaceUnavailable,
  readLog,
  runInNamespace,
} from './fixtures/namespace.ts';
import { pid1Programs } from './fixtures/programs.ts';

const unavailable = namespaceUnavailable();

for (const program of pid1Programs) {
  const lameduck = (...flags: string[]) => [...program.argv, '--grace', '5s', ...flags, '--'];
  // lameduck-init always reaps; lameduck run does with its optional native reaper.
  const reaper = program.native ? ({ available: true } as const) : loadReaper(process.env);

  describe(`${program.name} as PID 1`, {
    skip: unavailable ?? program.unavailable ?? false,
  }, () => {
    for (const c of entrypointCases) {
      test(`${c.title}: ${c.drains} drain(s) complete, exit ${c.code}, ${c.killed ? `${c.killed} process ended by a signal` : 'nothing cut'}`, async () => {
        const run = await runInNamespace({
          argv: [...lameduck(), ...c.app],
          readyCount: c.readyCount,
        });
        assert.equal(run.hung, false, `PID 1 did not exit:\n${run.stderr}`);
        assert.equal(run.code, c.code, run.stderr);
        assert.equal(run.markers.length, c.drains, `completed drains; stderr:\n${run.stderr}`);
        const cut = run.started.filter((pid) => !run.finished.includes(pid));
        assert.equal(cut.length, c.killed, `app processes that never finished: ${cut.join(', ')}`);
        if (c.drains > 0)
          assert.ok(run.exitMs >= 1400, `PID 1 exited ${run.exitMs} ms after SIGTERM`);
        if (c.id === 'ignores-term') {
          assert.match(
            run.stderr,
            /grace period of 5s is over; sending SIGKILL to 1 process\(es\)/,
          );
        } else {
          assert.ok(run.exitMs < 5000, `no deadline was needed, took ${run.exitMs} ms`);
        }
      });
    }

    const zombies = entrypointCases.find((c) => c.id === 'zombies');
    test('orphaned zombies are reaped by the native reaper', {
      skip: reaper.available ? false : `no native reaper: ${reaper.available || reaper.reason}`,
    }, async () => {
      const run = await runInNamespace({ argv: [...lameduck(), ...(zombies?.app ?? [])] });
      assert.deepEqual(run.markers, ['zombies=0']);
    });

    test('without the native reaper zombies stay, but the drain and the exit are unaffected', {
      skip: program.native ? 'lameduck-init always reaps' : false,
    }, async () => {
      const run = await runInNamespace({
        argv: [...lameduck(), ...(zombies?.app ?? [])],
        env: { LAMEDUCK_REAPER: 'off' },
      });
      assert.deepEqual(run.markers, ['zombies=5']);
      assert.equal(run.code, 0);
      assert.ok(run.exitMs < 5000, `took ${run.exitMs} ms`);
    });

    test('a second SIGTERM during --drain-delay as PID 1 passes SIGTERM on at once', async () => {
      const run = await runInNamespace({
        argv: [...lameduck('--drain-delay', '30s'), 'node', 'app.mjs'],
        secondTermAfterMs: 300,
      });
      assert.equal(run.code, 0);
      assert.deepEqual(run.markers, ['drained']);
      assert.ok(run.exitMs < 10_000, `took ${run.exitMs} ms`);
    });

    test('a process that entered the namespace from outside (kubectl exec) is neither signalled nor waited for', async () => {
      let visitorPid: number | undefined;
      const run = await runInNamespace({
        argv: [...lameduck(), 'node', 'app.mjs'],
        async beforeSigterm(init, logPath) {
          // nsenter forks into the PID namespace: the visitor's parent stays outside (parent pid 0).
          // Entering the mount namespace resets the working directory to /, hence the full path.
          const visitor = spawn(
            'nsenter',
            ['-t', String(init), '-p', '-m', 'node', join(fixturesDir, 'app.mjs')],
            {
              cwd: fixturesDir,
              env: { ...process.env, FIXTURE_LOG: logPath },
              stdio: 'ignore',
            },
          );
          visitor.once('error', () => undefined);
          const until = Date.now() + 20_000;
          while (
            readLog(logPath).filter((l) => l[0] === 'ready').length < 2 &&
            Date.now() < until
          ) {
            await sleep(20);
          }
          visitorPid = Number(readLog(logPath).filter((l) => l[0] === 'ready')[1]?.[1]);
        },
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.markers.length, 1, 'the app drained');
      assert.ok(Number.isInteger(visitorPid), 'the visitor started');
      assert.ok(run.exitMs < 5000, `PID 1 did not wait for the visitor (took ${run.exitMs} ms)`);
      assert.doesNotMatch(run.stderr, /grace period/);
      const log = run.log.filter((l) => Number(l[1]) === visitorPid);
      assert.ok(!log.some((l) => l[0]?.startsWith('sigterm')), 'the visitor got no SIGTERM');
    });
  });
}
