// Assertions that hold whatever the machine's load: every scheduled request is accounted for exactly
// once, in the totals, in its class and in the second it was scheduled in.
import assert from 'node:assert/strict';
import type {
  FailureClass,
  LoadResult,
  RequestRecord,
  TimelineSecond,
} from '../../../src/load/index.ts';

/** The failure classes that occurred, with their counts. */
export function occurred(result: LoadResult): Partial<Record<FailureClass, number>> {
  return Object.fromEntries(Object.entries(result.failures).filter(([, n]) => n > 0));
}

export function failedIn(row: TimelineSecond): number {
  return Object.values(row.failures).reduce((a, b) => a + b, 0);
}

/**
 * Every scheduled request ended as ok or failed, once: in the totals, in the failure classes and in
 * the timeline; with `records` (from `onRequest`), once each, in the second it was scheduled in.
 */
export function assertAccounted(result: LoadResult, records?: readonly RequestRecord[]): void {
  const { scheduled, ok, failed, sent, cancelled } = result.totals;
  assert.equal(
    ok + failed + cancelled,
    scheduled,
    'every scheduled request ends as ok, failed or cancelled',
  );
  assert.ok(sent <= scheduled, `sent ${sent} <= scheduled ${scheduled}`);
  const byClass = Object.values(result.failures).reduce((a, b) => a + b, 0);
  assert.equal(byClass, failed, 'every failure has exactly one class');
  const perSecond = result.timeline.reduce((sum, s) => sum + s.ok + failedIn(s) + s.cancelled, 0);
  assert.equal(perSecond, scheduled, 'the timeline accounts for every scheduled request');
  assert.deepEqual(
    result.timeline.map((row) => row.second),
    result.timeline.map((_, i) => i),
    'one row per second, in order',
  );
  if (records === undefined) return;
  assert.equal(records.length, scheduled - cancelled, 'onRequest once per request with an outcome');
  const expected = result.timeline.map((row) => ({ second: row.second, ok: 0, failures: {} }));
  for (const record of records) {
    const row = expected[Math.floor(record.scheduledAt / 1000)] as {
      ok: number;
      failures: Partial<Record<FailureClass, number>>;
    };
    assert.ok(row, `a row for the request scheduled at ${record.scheduledAt} ms`);
    if (record.outcome === 'ok') row.ok++;
    else row.failures[record.outcome] = (row.failures[record.outcome] ?? 0) + 1;
  }
  assert.deepEqual(
    result.timeline.map(({ second, ok, failures }) => ({ second, ok, failures })),
    expected,
    'each request is counted in the second it was scheduled in',
  );
}
