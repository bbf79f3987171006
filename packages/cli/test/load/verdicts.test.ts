// CI verdicts like k6's thresholds: each threshold listed with what was measured, in the text, the
// JSON and the JUnit XML; --abort-on-fail stops as soon as the verdict is settled.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { LoadReport } from '../../src/load/index.ts';
import { lameduck } from './support/cli.ts';
import { closedPort, withHttpServer } from './support/servers.ts';

const dir = mkdtempSync(join(tmpdir(), 'lameduck-load-verdicts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every tenth response is a 503; the others are ok after `delayMs`. */
const tenthFails = (delayMs = 0) =>
  (() => {
    let n = 0;
    return (_req: unknown, res: { statusCode: number; end(b: string): void }) => {
      const fail = ++n % 10 === 0;
      setTimeout(() => {
        res.statusCode = fail ? 503 : 200;
        res.end('x');
      }, delayMs);
    };
  })();

test('--max-failure-rate and --max-failures-per-class decide instead of --max-failures 0; each threshold is listed', async () => {
  await withHttpServer(tenthFails(), async (url) => {
    const brief = ['load', url, '--rate', '50', '--duration', '1s'];
    const json = join(dir, 'rate.json');
    const passing = await lameduck([...brief, '--max-failure-rate', '10', '--json', json]);
    assert.equal(passing.code, 0, passing.stdout);
    assert.match(passing.stdout, /✓ failure rate: 10% \(limit 10%, --max-failure-rate\)/);
    assert.match(passing.stdout, /PASSED: 5 failed, within every threshold/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as LoadReport;
    assert.deepEqual(report.thresholds, [
      {
        name: 'failure rate',
        flag: '--max-failure-rate',
        limit: '10%',
        measured: '10%',
        passed: true,
      },
    ]);

    const failing = await lameduck([...brief, '--max-failure-rate', '5']);
    assert.equal(failing.code, 1);
    assert.match(failing.stdout, /✗ failure rate: 10% \(limit 5%, --max-failure-rate\)/);
    assert.match(failing.stdout, /FAILED: failure rate 10% > --max-failure-rate 5%/);

    const budget = await lameduck([...brief, '--max-failures-per-class', 'http-503=5,refused=0']);
    assert.equal(budget.code, 0, budget.stdout);
    assert.match(budget.stdout, /✓ http-503: 5 \(limit 5, --max-failures-per-class\)/);
    assert.match(budget.stdout, /✓ other classes: 0 \(limit 0, --max-failures-per-class\)/);
    const over = await lameduck([...brief, '--max-failures-per-class', 'http-503=4']);
    assert.equal(over.code, 1);
    assert.match(over.stdout, /FAILED: http-503 5 > 4 \(--max-failures-per-class\)/);
    // a class without a budget may not fail at all
    const unlisted = await lameduck([...brief, '--max-failures-per-class', 'refused=100']);
    assert.equal(unlisted.code, 1);
    assert.match(unlisted.stdout, /other classes \(http-503\) 5 > 0 \(--max-failures-per-class\)/);
  });
});

test('--max-p99 compares the p99 of successful requests; --junit writes one test case per threshold', async () => {
  await withHttpServer(tenthFails(30), async (url) => {
    const junit = join(dir, 'verdict.xml');
    const run = await lameduck([
      'load',
      url,
      '--rate',
      '50',
      '--duration',
      '500ms',
      '--max-failures',
      '100',
      '--max-p99',
      '10ms',
      '--junit',
      junit,
    ]);
    // every response takes at least 30 ms
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stdout, /✗ p99 latency: [\d.]+ ms \(limit 10ms, --max-p99\)/);
    assert.match(run.stdout, /FAILED: p99 latency [\d.]+ ms > --max-p99 10ms/);
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<testsuites name="lameduck load" tests="2" failures="1"/);
    assert.match(
      xml,
      /<testcase classname="lameduck.load" name="failed requests within 100 \(--max-failures\)" time="[\d.]+"><\/testcase>/,
    );
    assert.match(
      xml,
      /<testcase classname="lameduck.load" name="p99 latency within 10ms \(--max-p99\)"[^>]*>\s*<failure message="p99 latency: [\d.]+ ms, limit 10ms" type="threshold">/,
    );
  });
});

test('--abort-on-fail stops the run once the verdict is settled, and says why', async () => {
  const port = await closedPort();
  const json = join(dir, 'abort.json');
  const started = Date.now();
  const run = await lameduck([
    'load',
    `http://127.0.0.1:${port}/`,
    '--rate',
    '50',
    '--duration',
    '30s',
    '--max-failures',
    '3',
    '--abort-on-fail',
    '--json',
    json,
  ]);
  assert.equal(run.code, 1);
  assert.ok(Date.now() - started < 10_000, 'far less than the 30 s duration');
  assert.match(
    run.stdout,
    /FAILED \(stopped early by --abort-on-fail\): \d+ of \d+ requests failed \(--max-failures 3\)/,
  );
  const report = JSON.parse(readFileSync(json, 'utf8')) as LoadReport;
  assert.equal(report.abortedOnFail, '4 failed requests > --max-failures 3');
  assert.equal(
    report.aborted,
    false,
    'ended like the end of its duration: every request has an outcome',
  );
  assert.equal(report.totals.cancelled, 0);
});

test('--abort-on-fail with a rate: settled once failures exceed the rate of the whole schedule', async () => {
  const port = await closedPort();
  const started = Date.now();
  const run = await lameduck([
    'load',
    `http://127.0.0.1:${port}/`,
    '--rate',
    '100',
    '--duration',
    '20s',
    '--max-failure-rate',
    '1',
    '--abort-on-fail',
  ]);
  assert.equal(run.code, 1);
  // 1% of the 2,000 scheduled requests: settled at the 21st failure
  assert.match(run.stdout, /stopped early by --abort-on-fail/);
  assert.ok(Date.now() - started < 10_000);
});

/** Usage errors of the new flags: exit 2 before any request, naming the flag. */
const USAGE: [string[], RegExp][] = [
  [
    ['--max-failures-per-class', 'refusd=1'],
    /--max-failures-per-class expects a failure class .* got "refusd" \(did you mean refused\?\)/,
  ],
  [
    ['--max-failures-per-class', 'refused'],
    /--max-failures-per-class expects <class>=<n>\[,<class>=<n>…\], got "refused"/,
  ],
  [['--max-failure-rate', '150'], /--max-failure-rate expects a number from 0 to 100, got "150"/],
  [['--max-p99', 'fast'], /--max-p99 expects a duration/],
  [['--junit', 'no/such/dir/x.xml'], /--junit "no\/such\/dir\/x.xml": the folder/],
  [
    ['--json', '-', '--junit', '-'],
    /only one of --json, --html and --junit can write to standard output/,
  ],
];

for (const [flags, message] of USAGE) {
  test(`usage error, exit 2: ${flags.join(' ')}`, async () => {
    const run = await lameduck(['load', 'http://127.0.0.1:9/', ...flags], { cwd: dir });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
  });
}
