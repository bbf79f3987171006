import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LameduckError } from '../../src/core/errors.ts';
import { exitCodeOf, parseRemap, remapExit } from '../../src/run/exit-code.ts';
import { continueStopped, forwardSignal, killEverything } from '../../src/run/forwarder.ts';
import { isGone, type ProcessEntry, parseStat, readProcessTable } from '../../src/run/proc.ts';
import { systemKill } from '../../src/run/signals.ts';
import { appProcesses, liveAppProcesses, orphanZombies } from '../../src/run/tracker.ts';

const entry = (pid: number, ppid: number, pgid: number, state = 'S', sid = pgid): ProcessEntry => ({
  pid,
  ppid,
  pgid,
  sid,
  state,
  comm: `p${pid}`,
});

test('parseStat counts fields from the last parenthesis, so odd names parse', () => {
  const line = '4242 (we (ird) name) Z 1 4240 4240 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0';
  assert.deepEqual(parseStat(line), {
    pid: 4242,
    ppid: 1,
    pgid: 4240,
    sid: 4240,
    state: 'Z',
    comm: 'we (ird) name',
  });
  assert.equal(parseStat('garbage'), undefined);
  assert.equal(isGone(entry(1, 0, 1, 'Z')), true);
  assert.equal(isGone(entry(1, 0, 1, 'R')), false);
});

test('readProcessTable sees this very process with its parent', () => {
  const self = readProcessTable().find((p) => p.pid === process.pid);
  assert.equal(self?.ppid, process.ppid);
});

test('the app is our descendants plus the main child group and session, never us or strangers', () => {
  const table = [
    entry(1, 0, 1), // us
    entry(10, 1, 10), // main child
    entry(11, 10, 10), // its child
    entry(12, 11, 12, 'S', 12), // a grandchild that called setsid
    entry(20, 1, 20, 'Z'), // an orphan re-parented to us, now a zombie
    entry(30, 0, 30), // kubectl exec: entered the namespace from outside
    entry(31, 30, 30), // ...and its child
    entry(40, 99, 10), // not our descendant, but in the main child's group
  ];
  const scope = { self: 1, child: 10 };
  const pids = (list: ProcessEntry[]) => list.map((p) => p.pid).sort((a, b) => a - b);
  assert.deepEqual(pids(appProcesses(table, scope)), [10, 11, 12, 20, 40]);
  assert.deepEqual(pids(liveAppProcesses(table, scope)), [10, 11, 12, 40]);
  assert.deepEqual(pids(orphanZombies([...table, entry(10, 1, 10, 'Z')], scope)), [20]);
});

test('forwardSignal: one kill for the group, one per process outside it; child-only is exact', () => {
  const sent: [number, string][] = [];
  const kill = (pid: number, signal: NodeJS.Signals) => {
    sent.push([pid, signal]);
    return true;
  };
  const live = [entry(10, 1, 10), entry(11, 10, 10), entry(12, 11, 12)];
  const target = { child: 10, childRunning: true, childOnly: false, live };
  assert.deepEqual(forwardSignal(kill, target, 'SIGTERM'), [12]);
  assert.deepEqual(sent.splice(0), [
    [-10, 'SIGTERM'],
    [12, 'SIGTERM'],
  ]);
  forwardSignal(kill, { ...target, childOnly: true }, 'SIGUSR2');
  assert.deepEqual(sent.splice(0), [[10, 'SIGUSR2']]);
  forwardSignal(
    kill,
    { ...target, childOnly: true, childRunning: false, live: [live[2] as ProcessEntry] },
    'SIGTERM',
  );
  assert.deepEqual(sent.splice(0), [[12, 'SIGTERM']]);
  killEverything(kill, target);
  assert.deepEqual(
    sent.map(([pid]) => pid),
    [-10, 10, 11, 12],
  );
});

test('exit codes: the code, or 128 + signal number; remapped as asked', () => {
  assert.equal(exitCodeOf(3, null), 3);
  assert.equal(exitCodeOf(null, 'SIGTERM'), 143);
  assert.equal(exitCodeOf(null, 'SIGKILL'), 137);
  const remap = parseRemap(['143:0', '130:0,2:5']);
  assert.equal(remapExit(143, remap), 0);
  assert.equal(remapExit(2, remap), 5);
  assert.equal(remapExit(1, remap), 1);
});

test('parseRemap rejects bad mappings with a usage error that names the flag', () => {
  for (const bad of ['143', '143:', 'a:b', '256:0', '1:300', '-1:0']) {
    assert.throws(
      () => parseRemap([bad]),
      (error: unknown) =>
        error instanceof LameduckError &&
        error.exitCode === 2 &&
        error.message.includes('--remap-exit') &&
        error.message.includes(`got "${bad}"`),
      bad,
    );
  }
  assert.throws(() => parseRemap(['1:0', '1:2']), /maps exit code 1 more than once/);
});

test('continueStopped sends SIGCONT to stopped processes only', () => {
  const sent: [number, string][] = [];
  const kill = (pid: number, signal: NodeJS.Signals) => sent.push([pid, signal]) > 0;
  const stopped = continueStopped(kill, [
    entry(5, 1, 5, 'T'),
    entry(6, 1, 5, 'S'),
    entry(7, 1, 5, 'R'),
  ]);
  assert.deepEqual(stopped, [5]);
  assert.deepEqual(sent, [[5, 'SIGCONT']]);
});

test('systemKill: true when delivered, false for a process that is gone', () => {
  assert.equal(systemKill(process.pid, 'SIGWINCH'), true);
  assert.equal(systemKill(2 ** 22 + 12345, 'SIGTERM'), false);
});

test('systemKill never passes on 0 (our own group), -1 (every process) or a pid that is not a number', () => {
  for (const pid of [0, -1, Number.NaN, 1.5]) assert.equal(systemKill(pid, 'SIGWINCH'), false);
});
