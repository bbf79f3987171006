import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compiledSibling } from '../../../src/lab/scenario/paths.ts';
import { probe } from '../../../src/lab/spec/template.ts';
import { isRoot, podHarness, types, until } from '../helpers.ts';

const app = compiledSibling('demo-app');
const readiness = probe({ kind: 'httpGet', path: '/healthz', port: 8080 }, { periodMs: 100 });

test('a pod becomes ready through its readiness probe, then terminates: preStop, SIGTERM, exit', async () => {
  const h = podHarness();
  try {
    const pod = h.make({
      command: [process.execPath, app],
      env: { DEMO_ON_SIGTERM: 'drain' },
      port: 8080,
      readinessProbe: readiness,
      preStop: { kind: 'sleep', ms: 300 },
      terminationGracePeriodMs: 5_000,
    });
    await until(() => pod.ready, 10_000, 'the pod to become ready');
    pod.delete();
    await pod.terminated;
    const seen = types(h.log, pod.name);
    const order = [
      'created',
      'started',
      'ready',
      'terminating',
      'prestop-done',
      'sigterm',
      'exited',
    ];
    assert.deepEqual(
      seen.filter((t) => order.includes(t)),
      order,
    );
    assert.ok(!seen.includes('sigkill'), 'a draining app exits before the grace period');
    assert.ok((pod.terminationMs ?? 0) >= 300, 'preStop ran to its end first');
  } finally {
    await h.cleanup();
  }
});

test('grace counts from before preStop, and a long preStop still leaves the 2 s minimum before SIGKILL', async () => {
  const h = podHarness();
  try {
    const pod = h.make({
      command: [
        process.execPath,
        '-e',
        'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)',
      ],
      env: {},
      port: 8080,
      preStop: { kind: 'sleep', ms: 1_000 },
      terminationGracePeriodMs: 1_000,
    });
    await until(() => pod.ready, 10_000, 'the pod to start');
    pod.delete();
    await pod.terminated;
    const at = (type: string) =>
      h.log.events.find((e) => e.pod === pod.name && e.type === type)?.at;
    const preStopDone = at('prestop-done') ?? Number.NaN;
    const killed = at('sigkill') ?? Number.NaN;
    // The floor is a lower bound the kubelet guarantees; how much later the timer fires depends on
    // the machine, so the upper bound only catches a SIGKILL that waits for something else.
    assert.ok(killed - preStopDone >= 1_900, `SIGKILL ${killed - preStopDone} ms after preStop`);
    assert.ok(killed - preStopDone < 10_000, `SIGKILL ${killed - preStopDone} ms after preStop`);
  } finally {
    await h.cleanup();
  }
});

test('a container that exits on its own is a crashing pod with the reason, not a hang', async () => {
  const h = podHarness();
  try {
    const pod = h.make({
      command: [process.execPath, '-e', 'console.error("boom: cannot start"); process.exit(3)'],
      env: {},
      port: 8080,
      readinessProbe: readiness,
      terminationGracePeriodMs: 1_000,
    });
    await until(() => pod.lastCrash !== undefined, 10_000, 'the crash');
    assert.match(pod.lastCrash ?? '', /exit code 3: boom: cannot start/);
    assert.equal(pod.ready, false);
  } finally {
    await h.cleanup();
  }
});

test('in a PID namespace a shell as PID 1 ignores SIGTERM and its child never hears it: SIGKILL at expiry', {
  skip: isRoot ? false : 'needs root for unshare --pid',
}, async () => {
  const h = podHarness(true);
  try {
    const pod = h.make({
      command: ['/bin/sh', '-c', `"${process.execPath}" "${app}"; true`],
      env: { DEMO_ON_SIGTERM: 'drain' },
      port: 8080,
      readinessProbe: readiness,
      terminationGracePeriodMs: 2_000,
    });
    await until(() => pod.ready, 10_000, 'the pod to become ready');
    pod.delete();
    await pod.terminated;
    const seen = types(h.log, pod.name);
    assert.ok(seen.includes('sigterm'), 'SIGTERM was sent to PID 1');
    assert.ok(seen.includes('sigkill'), 'the shell ignored it, so the grace period ran out');
  } finally {
    await h.cleanup();
  }
});
