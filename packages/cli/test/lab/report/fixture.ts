// A scenario result as the runner reports it, for the report tests.
import type { ScenarioResult } from '../../../src/lab/report/result.ts';

/** A scenario as the runner reports it: one pod replaced, a failure, and the lab's teardown. */
export function scenario(name: string, teardownAt: number): ScenarioResult {
  return {
    name,
    description: `${name}: what it does`,
    story: '001 (a bash script)',
    dataPath: 'iptables proxy',
    requests: 30,
    ok: 27,
    failed: 3,
    failures: { refused: 3 },
    traffic: {
      expected: 30,
      scheduled: 30,
      sent: 30,
      late: 0,
      durationMs: 3_000,
      clients: [
        { kind: 'keepalive', rate: 10, connections: 8, scheduled: 30, failed: 3, p99Ms: 20 },
      ],
      warnings: [],
      samples: [],
    },
    rollouts: [{ revision: 2, startedAt: 1_000, completedAt: 2_000, settledAt: 2_500 }],
    rolloutMs: 1_000,
    longestTerminationMs: 500,
    events: [
      { at: 0, pod: 'web-v1-1', type: 'created' },
      { at: 300, pod: 'web-v1-1', type: 'ready' },
      { at: 1_500, pod: 'web-v1-1', type: 'terminating' },
      { at: 1_600, pod: 'web-v1-1', type: 'proxy-synced', detail: 'node-1 …', view: 'node-1' },
      { at: 1_900, pod: 'web-v1-1', type: 'proxy-synced', detail: 'node-2 …', view: 'node-2' },
      { at: 1_700, pod: 'web-v1-1', type: 'sigterm' },
      { at: 2_000, pod: 'web-v1-1', type: 'exited', detail: 'exit code 0' },
      { at: 1_000, pod: 'web-v2-2', type: 'created' },
      { at: 1_400, pod: 'web-v2-2', type: 'ready' },
      // the lab's teardown: not part of the story
      { at: teardownAt + 10, pod: 'web-v2-2', type: 'sigkill', detail: 'teardown' },
      { at: teardownAt + 20, pod: 'web-v2-2', type: 'exited', detail: 'killed by SIGKILL' },
    ],
    buckets: [
      { at: 1_500, ok: 5, failed: { refused: 3 } },
      { at: 1_600, ok: 5, failed: {} },
      { at: teardownAt + 100, ok: 0, failed: { reset: 9 } },
    ],
    loadStartedAt: 500,
    teardownAt,
  };
}
