import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { signalProcess } from './signal.ts';

test('signalProcess refuses pids that would signal a group, every process, init or ourselves', () => {
  for (const pid of [0, -1, -42, 1, Number.NaN, 2.5, process.pid]) {
    assert.throws(
      () => signalProcess(pid, 'SIGKILL'),
      (error: Error) => error.message.includes(`pid ${String(pid)}`),
    );
  }
});

test('signalProcess signals one real process; a gone one is an error unless ifRunning', async () => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const pid = child.pid as number;
  const exited = once(child, 'exit');
  signalProcess(pid, 'SIGTERM');
  const [, signal] = await exited;
  assert.equal(signal, 'SIGTERM');
  // SIGCONT: harmless should the pid already belong to another process.
  assert.throws(() => signalProcess(pid, 'SIGCONT'), { code: 'ESRCH' });
  assert.doesNotThrow(() => signalProcess(pid, 'SIGCONT', { ifRunning: true }));
});
