import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listChainsSync } from '../../../src/lab/network/iptables-proxy.ts';
import { SCENARIOS } from '../../../src/lab/scenario/builtin.ts';
import { isRoot } from '../helpers.ts';
import { hasCommand } from '../system.ts';
import { assertStories, quickMatrix } from './matrix.ts';

const why = !isRoot
  ? 'needs root for kernel NAT rules'
  : !hasCommand('iptables-restore')
    ? 'iptables is not installed (scripts/system-deps.mjs installs it as root)'
    : false;

test('iptables proxy: real DNAT + conntrack; broken scenarios fail only with kernel classes, lameduck loses nothing; rules removed', {
  skip: why,
}, async () => {
  const mine = () => listChainsSync().filter((c) => c.startsWith(`LDLAB${process.pid}x`));
  const results = await quickMatrix(SCENARIOS, 'iptables', 'off');
  assertStories(results, new Set(['refused', 'reset', 'closed-before-response']));
  assert.deepEqual(mine(), [], 'every chain of this run was removed');
});
