// The supervisor in-process, with the real child, kill(2) and /proc but signals delivered by the test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Clock, systemClock } from '../../src/core/clock.ts';
import { parseRemap } from '../../src/run/exit-code.ts';
import { readProcessTable } from '../../src/run/proc.ts';
import type { SignalSource } from '../../src/run/signals.ts';
import { systemKill } from '../../src/run/signals.ts';
import { startChild } from '../../src/run/spawn.ts';
import { supervise } from '../../src/run/supervisor.ts';
import type { SupervisorSystem } from '../../src/run/system.ts';

// This test process has children of its own (tsx's esbuild service): as far as the supervisor is
// concerned, every descendant is the app's, so hide the ones that were there before the test.
const strangers = new Set(
  readProcessTable()
    .filter((p) => p.ppid === process.pid)
    .map((p) => p.pid),
);
const processes = () => readProcessTable().filter((p) => !strangers.has(p.pid));

function system(signals: SignalSource, lines: string[]): SupervisorSystem {
  return {
    pid: process.pid,
    env: process.env,
    cwd: process.cwd(),
    startChild,
    kill: systemKill,
    processes,
    signals,
    reaper: { available: false, reason: 'not needed here' },
    clock: systemClock,
    warn: (line) => lines.push(line),
    debug: (line) => lines.push(line),
  };
}

const options = {
  grace: 10_000,
  drainDelay: 0,
  signalChildOnly: false,
  remap: parseRemap([]),
  readiness: {},
};

test('a SIGTERM that arrives before the child has started is passed on once it runs', async () => {
  let unsubscribed = false;
  const signals: SignalSource = (list, handler) => {
    assert.ok(list.includes('SIGTERM') && list.includes('SIGWINCH') && list.includes('SIGCHLD'));
    handler('SIGTERM');
    return () => {
      unsubscribed = true;
    };
  };
  const lines: string[] = [];
  const code = await supervise(
    { ...options, command: 'sleep', args: ['30'] },
    system(signals, lines),
  );
  assert.equal(code, 143);
  assert.ok(unsubscribed, 'the signal handlers were removed');
  assert.deepEqual(lines.slice(1, 3), ['received SIGTERM', 'sent SIGTERM to the process group']);
});

test('the drain delay holds SIGTERM back; the main child exiting meanwhile ends the wait', async () => {
  let deliver: (signal: NodeJS.Signals) => void = () => undefined;
  const signals: SignalSource = (_list, handler) => {
    deliver = handler;
    return () => undefined;
  };
  const lines: string[] = [];
  const run = supervise(
    { ...options, drainDelay: 60_000, command: 'sh', args: ['-c', 'sleep 0.3; exit 4'] },
    system(signals, lines),
  );
  setImmediate(() => deliver('SIGTERM'));
  assert.equal(await run, 4, 'the child was never signalled and exited by itself');
  assert.ok(lines.includes('not ready; holding SIGTERM back for 1m'));
  assert.ok(!lines.some((l) => l.startsWith('sent SIGTERM')));
});

test('the drain delay runs on the injected clock: SIGTERM is passed on when that clock says so', async () => {
  const timers: { due: number; fn: () => void }[] = [];
  let now = 0;
  const clock: Clock = {
    now: () => now,
    setTimer(fn, ms) {
      const timer = { due: now + ms, fn };
      timers.push(timer);
      return () => {
        const index = timers.indexOf(timer);
        if (index !== -1) timers.splice(index, 1);
      };
    },
  };
  let deliver: (signal: NodeJS.Signals) => void = () => undefined;
  const signals: SignalSource = (_list, handler) => {
    deliver = handler;
    return () => undefined;
  };
  const lines: string[] = [];
  const run = supervise(
    { ...options, grace: 120_000, drainDelay: 60_000, command: 'sleep', args: ['30'] },
    { ...system(signals, lines), clock },
  );
  const started = Date.now();
  while (!lines.some((l) => l.startsWith('started sleep'))) {
    assert.ok(Date.now() - started < 20_000, 'the child did not start');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  deliver('SIGTERM');
  assert.ok(lines.includes('not ready; holding SIGTERM back for 1m'));
  // Real time passes, the injected clock does not: SIGTERM stays held back.
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.ok(!lines.some((l) => l.startsWith('sent SIGTERM')), lines.join('\n'));
  now = 60_000;
  for (const timer of timers.filter((t) => t.due <= now)) timer.fn();
  assert.equal(await run, 143);
  assert.ok(lines.includes('sent SIGTERM to the process group'));
});
