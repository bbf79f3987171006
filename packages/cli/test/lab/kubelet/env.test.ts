import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerEnv } from '../../../src/lab/kubelet/env.ts';

const pod = { name: 'web-v1-1', ip: '127.77.5.10', port: 3000 };

test('the pod network gives every container its address, port and name, and points the lameduck admin server at the pod IP', () => {
  const env = containerEnv({ PATH: '/usr/bin' }, pod, {});
  assert.deepEqual(env, {
    PATH: '/usr/bin',
    HOST: '127.77.5.10',
    PORT: '3000',
    POD_NAME: 'web-v1-1',
    LAMEDUCK_ADMIN_HOST: '127.77.5.10',
  });
});

test("the lab's own environment never decides a pod's address; the manifest does", () => {
  const base = { HOST: '0.0.0.0', LAMEDUCK_ADMIN_HOST: '127.0.0.1', PORT: '1' };
  assert.equal(containerEnv(base, pod, {}).LAMEDUCK_ADMIN_HOST, '127.77.5.10');
  assert.equal(containerEnv(base, pod, {}).HOST, '127.77.5.10');
  const manifest = containerEnv(base, pod, { LAMEDUCK_ADMIN_HOST: '127.0.0.1' });
  assert.equal(manifest.LAMEDUCK_ADMIN_HOST, '127.0.0.1', 'the manifest wins');
});

test('downward-API fields resolve for this pod; $(NAME) expands to variables defined before it', () => {
  const env = containerEnv({}, pod, {
    MY_IP: { fieldRef: 'status.podIP' },
    MY_NAME: { fieldRef: 'metadata.name' },
    NS: { fieldRef: 'metadata.namespace' },
    NODE_IP: { fieldRef: 'status.hostIP' },
    ADDR: '$(MY_IP):$(PORT)',
    LATER: '$(DEFINED_AFTER)',
    DEFINED_AFTER: 'x',
  });
  assert.equal(env.MY_IP, '127.77.5.10');
  assert.equal(env.MY_NAME, 'web-v1-1');
  assert.equal(env.NS, 'default');
  assert.equal(env.NODE_IP, '127.0.0.1');
  assert.equal(env.ADDR, '127.77.5.10:3000');
  assert.equal(env.LATER, '$(DEFINED_AFTER)', 'an undefined reference is left as it is');
});
