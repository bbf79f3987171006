// `lameduck run` as PID 1 of a fresh PID namespace, SIGTERMed the way a container runtime does it:
// every drain completes, the exit code is the app's, no app process is cut, zombies are reaped.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadReaper } from '../../src/run/native.ts';
import { entrypointCases } from './fixtures/cases.ts';
import { lameduckBin, namespaceUnavailable, runInNamespace } from './fixtures/namespace.ts';

const unavailable = namespaceUnavailable();
const reaper = loadReaper(process.env);
const lameduck = (...flags: string[]) => [
  'node',
  lameduckBin,
  'run',
  '--grace',
  '5s',
  ...flags,
  '--',
];

describe('lameduck run as PID 1', { skip: unavailable ?? false }, () => {
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
        assert.match(run.stderr, /grace period of 5s is over; sending SIGKILL to 1 process\(es\)/);
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

  test('without the native reaper zombies stay, but the drain and the exit are unaffected', async () => {
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
});
