// The --grace deadline reads time only through the injected clock: a manual clock drives it here, so
// the test does not depend on how busy the machine is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Clock } from '../../src/core/clock.ts';
import { Deadline } from '../../src/run/deadline.ts';
import type { ForwardTarget } from '../../src/run/forwarder.ts';
import type { ProcessEntry } from '../../src/run/proc.ts';

/** A clock that moves only when told to; timers fire in due order as it moves. */
function manualClock(start = 1_000_000) {
  let now = start;
  const timers = new Set<{ due: number; fn: () => void; keepAlive: boolean }>();
  const clock: Clock & { advance(ms: number): void; pending(): boolean[] } = {
    now: () => now,
    setTimer(fn, ms, keepAlive = false) {
      const timer = { due: now + ms, fn, keepAlive };
      timers.add(timer);
      return () => timers.delete(timer);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const next = [...timers].filter((t) => t.due <= until).sort((a, b) => a.due - b.due)[0];
        if (!next) break;
        timers.delete(next);
        now = next.due;
        next.fn();
      }
      now = until;
    },
    /** keepAlive of every timer still set. */
    pending: () => [...timers].map((t) => t.keepAlive),
  };
  return clock;
}

const proc = (pid: number): ProcessEntry => ({
  pid,
  ppid: 1,
  pgid: 10,
  sid: 10,
  state: 'S',
  comm: `p${pid}`,
});

function setup(grace: number) {
  const clock = manualClock();
  const kills: [number, NodeJS.Signals][] = [];
  const warnings: string[] = [];
  const deadline = new Deadline(
    grace,
    (pid, signal) => {
      kills.push([pid, signal]);
      return true;
    },
    (line) => warnings.push(line),
    clock,
  );
  const target = (): ForwardTarget => ({
    child: 10,
    childRunning: true,
    childOnly: false,
    live: [proc(10), proc(11)],
  });
  return { clock, kills, warnings, deadline, target };
}

test('the deadline fires at exactly --grace on the injected clock, once, and kills what is left', () => {
  const { clock, kills, warnings, deadline, target } = setup(25_000);
  deadline.start(target);
  assert.deepEqual(clock.pending(), [true], 'one timer, and it keeps the process alive');
  clock.advance(24_999);
  assert.deepEqual(kills, []);
  deadline.start(target); // a second termination signal does not restart the countdown
  clock.advance(1);
  assert.deepEqual(kills, [
    [-10, 'SIGKILL'],
    [10, 'SIGKILL'],
    [11, 'SIGKILL'],
  ]);
  assert.equal(deadline.killed, 2);
  assert.deepEqual(warnings, [
    'grace period of 25s is over; sending SIGKILL to 2 process(es) still running: 10 (p10), 11 (p11)',
  ]);
  clock.advance(60_000);
  assert.equal(kills.length, 3, 'it fires once');
});

test('firedLongerAgoThan counts from the moment it fired, on the same clock', () => {
  const { clock, deadline, target } = setup(1000);
  assert.equal(deadline.firedLongerAgoThan(0), false, 'not fired yet');
  deadline.start(target);
  clock.advance(1000);
  assert.equal(deadline.firedLongerAgoThan(5000), false);
  clock.advance(5000);
  assert.equal(deadline.firedLongerAgoThan(5000), false, 'exactly 5 s is not longer than 5 s');
  clock.advance(1);
  assert.equal(deadline.firedLongerAgoThan(5000), true);
});

test('cancel stops the countdown; --grace 0 never starts one', () => {
  const cancelled = setup(1000);
  cancelled.deadline.start(cancelled.target);
  cancelled.deadline.cancel();
  assert.deepEqual(cancelled.clock.pending(), []);
  cancelled.clock.advance(10_000);
  assert.deepEqual(cancelled.kills, []);

  const none = setup(0);
  none.deadline.start(none.target);
  assert.deepEqual(none.clock.pending(), []);
  assert.equal(none.deadline.killed, 0);
});
