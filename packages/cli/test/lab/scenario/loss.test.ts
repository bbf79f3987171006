// The lab shows a loss where one is certain, whatever the machine's load: requests that are in flight
// on a pod when it exits. With one replica and every request taking 2 s, all the requests of the
// last 2 s before the rolling update are on the old pod when the deployment controller deletes it
// (the moment the new pod is ready); `sigterm-exit` then exits at once, so they are cut. The load
// is sized so that it never queues (20 rps × 2 s = 40 requests in flight, 64 connections), so every
// failure comes from the exit: the requests cut on the pod, and new connections a proxy still sends
// to the address of the pod that is gone (a stale route: they time out, as in a cluster). (Requests sent to the new pod are still in
// flight when the load stops, so a run may have no successful request at all.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatReport } from '../../../src/lab/report/table.ts';
import { isRoot } from '../helpers.ts';
import { hasCommand } from '../system.ts';
import { assertAccounting, classes, type Path, quickMatrix } from './matrix.ts';

const shape = {
  replicas: 1,
  latency: 'fixed:2s',
  slowShare: 0,
  rate: 20,
  clients: 'keepalive:1',
  connections: 64,
};

async function cut(path: Path, expected: readonly string[]) {
  const [r] = await quickMatrix(['sigterm-exit'], path, shape);
  assert.ok(r);
  const report = `\n${formatReport([r])}`;
  assertAccounting(r, report, false);
  assert.ok(r.failed > 0, `the requests in flight on the exiting pod are lost${report}`);
  for (const c of classes(r)) assert.ok(expected.includes(c), `unexpected class ${c}${report}`);
}

test('userspace proxy: requests in flight on a pod that exits at SIGTERM are lost, as reset or closed (a stale route times out)', async () => {
  await cut({ proxy: 'userspace' }, ['closed-before-response', 'reset', 'timeout']);
});

test('built-in ingress: requests in flight on a pod that exits at SIGTERM come back as 502', async () => {
  await cut({ ingress: 'builtin' }, ['http-502', 'timeout']);
});

test('iptables proxy: requests in flight on a pod that exits at SIGTERM are lost, as the kernel reports it', {
  skip: !isRoot
    ? 'needs root for kernel NAT rules'
    : !hasCommand('iptables-restore')
      ? 'iptables is not installed'
      : false,
}, async () => {
  await cut({ proxy: 'iptables' }, ['closed-before-response', 'reset', 'refused', 'timeout']);
});
