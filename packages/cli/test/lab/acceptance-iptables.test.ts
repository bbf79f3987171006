import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listChainsSync } from '../../src/lab/iptables-proxy.ts';
import { SCENARIOS } from '../../src/lab/scenarios.ts';
import { isRoot } from './helpers.ts';
import { assertStories, quickMatrix } from './matrix.ts';
import { hasCommand } from './system.ts';

const why = !isRoot
  ? 'needs root for kernel NAT rules'
  : !hasCommand('iptables-restore')
    ? 'iptables is not installed (scripts/system-deps.mjs installs it as root)'
    : false;

test('iptables proxy: real DNAT + conntrack; naive scenarios lose requests, lameduck none; rules removed', {
  skip: why,
}, async () => {
  const mine = () => listChainsSync().filter((c) => c.startsWith(`LDLAB${process.pid}x`));
  const results = await quickMatrix(SCENARIOS, 'iptables', 'off');
  assertStories(results, new Set(['refused', 'reset', 'closed-before-response']));
  assert.deepEqual(mine(), [], 'every chain of this run was removed');
});
