import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listChainsSync } from '../../../src/lab/network/iptables-proxy.ts';
import { isRoot } from '../helpers.ts';
import { hasCommand } from '../system.ts';
import { assertStories, quickMatrix } from './matrix.ts';

const why = !isRoot
  ? 'needs root for kernel NAT rules'
  : !hasCommand('iptables-restore')
    ? 'iptables is not installed (scripts/system-deps.mjs installs it as root)'
    : false;

test('iptables proxy: real DNAT + conntrack; the stories fail only with kernel classes (refused, reset, closed, timeout), the fixed ones lose nothing; rules removed', {
  skip: why,
}, async () => {
  const mine = () => listChainsSync().filter((c) => c.startsWith(`LDLAB${process.pid}x`));
  const results = await quickMatrix(['naive', 'graceful-no-delay', 'shell-trap', 'lameduck'], {
    proxy: 'iptables',
  });
  assertStories(results, new Set(['refused', 'reset', 'closed-before-response', 'timeout']), 3);
  assert.deepEqual(mine(), [], 'every chain of this run was removed');
});
