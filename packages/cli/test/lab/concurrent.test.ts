// Two labs at once, as two engineers (or two CI jobs) on one machine would run them: each claims
// its own address block, its own iptables chains and its own server folders, and both complete.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listChainsSync } from '../../src/lab/network/iptables-proxy.ts';
import { runProcess } from '../support/process.ts';
import { isRoot } from './helpers.ts';
import { hasCommand } from './system.ts';

const lab = (args: string[]) =>
  runProcess(['lab', '--quick', '--scenario', 'sigterm-exit', '--json', '-', ...args]);

test('two iptables labs started together both complete, and leave no chain behind', {
  skip: !isRoot
    ? 'needs root'
    : !hasCommand('iptables-restore')
      ? 'iptables is not installed'
      : false,
}, async () => {
  const runs = await Promise.all([lab(['--proxy', 'iptables']), lab(['--proxy', 'iptables'])]);
  for (const run of runs) {
    assert.doesNotMatch(run.stderr, /iptables-restore|File exists/, run.stderr);
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    const [scenario] = JSON.parse(run.stdout).scenarios;
    assert.equal(scenario.error, undefined, run.stderr);
    assert.ok(scenario.requests > 0);
  }
  const theirs = listChainsSync().filter((c) => runs.some((r) => c.startsWith(`LDLAB${r.pid}x`)));
  assert.deepEqual(theirs, []);
});
