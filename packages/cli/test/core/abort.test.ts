import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { aborted, anySignal, deadline, linkedSignal } from '../../src/core/abort.ts';
import type { Clock } from '../../src/core/clock.ts';

/** A clock whose timers fire when the test says so. */
function manualClock() {
  let now = 0;
  const timers = new Set<{ at: number; fn: () => void }>();
  const clock: Clock = {
    now: () => now,
    setTimer(fn, ms) {
      const timer = { at: now + ms, fn };
      timers.add(timer);
      return () => timers.delete(timer);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const timer of [...timers]) {
      if (timer.at <= now) {
        timers.delete(timer);
        timer.fn();
      }
    }
  };
  return { clock, advance, pending: () => timers.size };
}

test('deadline aborts on its own clock after ms, with a reason that says so; clear() cancels the timer', () => {
  const { clock, advance, pending } = manualClock();
  const parent = new AbortController();
  const d = deadline(parent.signal, 1_000, clock);
  advance(999);
  assert.equal(d.signal.aborted, false);
  advance(1);
  assert.equal(d.signal.aborted, true);
  assert.match(String(d.signal.reason), /deadline of 1000 ms passed/);
  const cleared = deadline(parent.signal, 1_000, clock);
  cleared.clear();
  assert.equal(pending(), 0);
  advance(5_000);
  assert.equal(cleared.signal.aborted, false);
});

test('deadline follows its parent, also one that aborted before', () => {
  const { clock } = manualClock();
  const parent = new AbortController();
  const d = deadline(parent.signal, 1_000, clock);
  parent.abort(new Error('stop'));
  assert.equal(d.signal.aborted, true);
  assert.equal((d.signal.reason as Error).message, 'stop');
  assert.equal(deadline(parent.signal, 1_000, clock).signal.aborted, true);
});

test('anySignal aborts with the reason of the first signal that does', async () => {
  const a = new AbortController();
  const b = new AbortController();
  const any = anySignal(a.signal, b.signal);
  const done = aborted(any);
  b.abort('b first');
  a.abort('a later');
  assert.equal(await done, undefined);
  assert.equal(any.reason, 'b first');
  assert.equal(anySignal(a.signal).aborted, true, 'an already aborted input');
});

test('linkedSignal: dispose() leaves no listener on a source that lives longer (one per rollout was a leak)', () => {
  const run = new AbortController();
  for (let i = 0; i < 20; i++) {
    const step = new AbortController();
    const linked = linkedSignal(step.signal, run.signal);
    linked.dispose();
    linked.dispose();
  }
  assert.equal(getEventListeners(run.signal, 'abort').length, 0);
  const linked = linkedSignal(run.signal);
  run.abort(new Error('stop'));
  assert.equal((linked.signal.reason as Error).message, 'stop');
});

test('anySignal detaches from every source once one of them aborts', () => {
  const run = new AbortController();
  for (let i = 0; i < 20; i++) {
    const pod = new AbortController();
    const any = anySignal(run.signal, pod.signal);
    pod.abort();
    assert.equal(any.aborted, true);
  }
  assert.equal(getEventListeners(run.signal, 'abort').length, 0);
  const already = new AbortController();
  already.abort('early');
  assert.equal(anySignal(run.signal, already.signal).reason, 'early');
  assert.equal(getEventListeners(run.signal, 'abort').length, 0, 'none left when one had aborted');
});
