// `lameduck load merge`: the reports of several real lameduck processes run at the same time against
// one server, combined into one. The truth is the server's own count of the requests it answered.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { LoadReport } from '../../../src/load/index.ts';
import { mergeReports } from '../../../src/load/merge/merge-reports.ts';
import { lameduck, startLameduck } from '../support/cli.ts';
import { assertAccounted } from '../support/invariants.ts';
import { withHttpServer } from '../support/servers.ts';

const dir = mkdtempSync(join(tmpdir(), 'lameduck-load-merge-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as LoadReport;

test('three processes at once, merged: counts sum, the timeline adds up, percentiles from the merged histograms', async () => {
  let served = 0;
  let n = 0;
  await withHttpServer(
    (_req, res) => {
      served++;
      // every 25th request a 503, the others after a short, varied delay
      const i = n++;
      setTimeout(() => {
        res.statusCode = i % 25 === 24 ? 503 : 200;
        res.end('ok');
      }, i % 7);
    },
    async (url) => {
      const runs = ['a', 'b', 'c'].map(
        (name) =>
          startLameduck(
            [
              'load',
              url,
              '--rate',
              '30',
              '--duration',
              '1500ms',
              '--max-failure-rate',
              '100',
              '--quiet',
              '--json',
              join(dir, `${name}.json`),
            ],
            { timeoutMs: 60_000 },
          ).done,
      );
      for (const run of await Promise.all(runs)) assert.equal(run.code, 0, run.stderr);
      const merged = await lameduck(
        [
          'load',
          'merge',
          'a.json',
          'b.json',
          'c.json',
          '--json',
          'merged.json',
          '--html',
          'merged.html',
          '--max-failure-rate',
          '10',
        ],
        { cwd: dir },
      );
      assert.equal(merged.code, 0, merged.stdout + merged.stderr);
      const parts = ['a', 'b', 'c'].map((name) => read(`${name}.json`));
      const report = read('merged.json');
      assertAccounted(report);
      for (const key of [
        'scheduled',
        'sent',
        'ok',
        'failed',
        'late',
        'retried',
        'cancelled',
      ] as const) {
        assert.equal(
          report.totals[key],
          parts.reduce((sum, p) => sum + p.totals[key], 0),
          key,
        );
      }
      assert.equal(report.totals.scheduled, 135);
      assert.equal(
        report.totals.ok + report.totals.failed,
        served,
        'every request the server answered, once',
      );
      assert.equal(
        report.failures['http-503'],
        parts.reduce((sum, p) => sum + p.failures['http-503'], 0),
      );
      assert.equal(report.options.rate, 90, 'the rate the runs offered together');
      assert.deepEqual(report.merged?.files, ['a.json', 'b.json', 'c.json']);
      // percentiles of all requests together: within the runs' own, and the max is the largest
      const p50s = parts.map((p) => p.latency.p50 as number);
      assert.ok(
        (report.latency.p50 as number) >= Math.min(...p50s) &&
          (report.latency.p50 as number) <= Math.max(...p50s),
      );
      assert.equal(report.latency.max, Math.max(...parts.map((p) => p.latency.max as number)));
      const histogramCount = report.histograms.overall.buckets.reduce(
        (sum, v, i) => (i % 2 ? sum + v : sum),
        0,
      );
      assert.equal(histogramCount, report.totals.ok);
      assert.match(merged.stdout, /3 runs merged/);
      assert.match(merged.stdout, /✓ failure rate: [\d.]+% \(limit 10%, --max-failure-rate\)/);
      assert.match(readFileSync(join(dir, 'merged.html'), 'utf8'), /3 runs merged/);

      // a merged report merges again, with the same counts as merging the runs at once
      const again = await lameduck(
        [
          'load',
          'merge',
          'merged.json',
          'a.json',
          '--json',
          'twice.json',
          '--quiet',
          '--max-failure-rate',
          '10',
        ],
        { cwd: dir },
      );
      assert.equal(again.code, 0, again.stderr);
      assert.equal(
        read('twice.json').totals.ok,
        report.totals.ok + (parts[0] as LoadReport).totals.ok,
      );
    },
  );
});

test('a report merged with itself: counts double, percentiles stay', () => {
  const report = read('a.json');
  const { result } = mergeReports([report, report]);
  assert.equal(result.totals.ok, 2 * report.totals.ok);
  assert.deepEqual(result.latency, report.latency);
  assert.deepEqual(
    result.timeline.map((row) => [row.ok, row.p50, row.p99]),
    report.timeline.map((row) => [2 * row.ok, row.p50, row.p99]),
  );
});

test('timelines are aligned on the wall clock: a run that started 2 s later fills later rows', () => {
  const report = read('a.json');
  const later: LoadReport = { ...report, startedAt: report.startedAt + 2000 };
  const { result } = mergeReports([report, later]);
  assert.equal(result.timeline.length, report.timeline.length + 2);
  assert.equal(result.timeline[0]?.ok, report.timeline[0]?.ok);
  assert.equal(
    result.timeline[2]?.ok,
    (report.timeline[2]?.ok ?? 0) + (report.timeline[0]?.ok ?? 0),
  );
});

const MERGE_ERRORS: [string[], RegExp, string?][] = [
  [['load', 'merge'], /lameduck load merge: missing argument <report\.json>/],
  [['load', 'merge', 'nope.json'], /lameduck load merge: nope\.json: cannot be read \(ENOENT\)/],
  [['load', 'merge', 'x.json'], /x\.json: is not JSON/, 'not json'],
  [
    ['load', 'merge', 'x.json'],
    /x\.json: expects a report of format version 2 .* got version null/,
    '{"totals":{},"timeline":[]}',
  ],
  [
    ['load', 'merge', 'a.json', '--rate', '5'],
    /lameduck load merge: --rate does not apply to merge/,
  ],
];

for (const [argv, message, content] of MERGE_ERRORS) {
  test(`merge usage error, exit 2: ${argv.slice(1).join(' ')}`, async () => {
    if (content !== undefined) writeFileSync(join(dir, 'x.json'), content);
    const run = await lameduck(argv, { cwd: dir });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, message);
  });
}
