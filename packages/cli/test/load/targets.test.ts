// Several endpoints and rate shapes: repeated --url, a targets file (method, headers, body and weight
// per target), and --ramp; exact where the schedule decides, bounded where the machine does.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { rampArrivals } from '../../src/load/engine/arrivals.ts';
import { TargetPicker } from '../../src/load/engine/targets.ts';
import type { LoadReport } from '../../src/load/index.ts';
import { runLoad } from '../../src/load/index.ts';
import { lameduck } from './support/cli.ts';
import { assertAccounted } from './support/invariants.ts';
import { withHttpServer } from './support/servers.ts';

const dir = mkdtempSync(join(tmpdir(), 'lameduck-load-targets-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Seen {
  method: string;
  path: string;
  header: string | undefined;
  body: string;
}

/** A server that records every request it read, then answers 200 (or 503 on /broken). */
function recording(seen: Seen[]) {
  return (req: IncomingMessage, res: { statusCode: number; end(b: string): void }) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        header: req.headers['x-target'] as string | undefined,
        body,
      });
      res.statusCode = req.url === '/broken' ? 503 : 200;
      res.end('ok');
    });
  };
}

test('weights spread requests exactly: every window of the weights holds each target its share', () => {
  const picker = new TargetPicker([3, 1, 2]);
  const picks = Array.from({ length: 600 }, () => picker.next());
  for (let start = 0; start < 600; start += 6) {
    const window = picks.slice(start, start + 6);
    assert.deepEqual(
      [0, 1, 2].map((t) => window.filter((p) => p === t).length),
      [3, 1, 2],
    );
  }
});

test('a targets file: each target with its own method, headers, body and weight; counts per target', async () => {
  const seen: Seen[] = [];
  await withHttpServer(recording(seen), async (url) => {
    writeFileSync(join(dir, 'payload.json'), '{"from":"file"}');
    const file = join(dir, 'targets.json');
    writeFileSync(
      file,
      JSON.stringify([
        { url: `${url}health`, weight: 3, headers: { 'x-target': 'health' } },
        {
          url: `${url}orders`,
          method: 'POST',
          body: '{"item":1}',
          headers: { 'x-target': 'orders' },
        },
        { url: `${url}upload`, method: 'PUT', bodyFile: 'payload.json', weight: 2 },
        { url: `${url}broken`, weight: 2 },
      ]),
    );
    const json = join(dir, 'targets-result.json');
    const run = await lameduck(
      [
        'load',
        '--targets',
        'targets.json',
        '--rate',
        '80',
        '--duration',
        '1s',
        '--max-failures-per-class',
        'http-503=20',
        '--json',
        json,
      ],
      { cwd: dir },
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const report = JSON.parse(readFileSync(json, 'utf8')) as LoadReport;
    assertAccounted(report);
    // 80 requests, weights 3:1:2:2 → exactly 30, 10, 20, 20
    assert.deepEqual(
      report.targets.map((t) => [
        new URL(t.url).pathname,
        t.method,
        t.weight,
        t.scheduled,
        t.ok,
        t.failed,
      ]),
      [
        ['/health', 'GET', 3, 30, 30, 0],
        ['/orders', 'POST', 1, 10, 10, 0],
        ['/upload', 'PUT', 2, 20, 20, 0],
        ['/broken', 'GET', 2, 20, 0, 20],
      ],
    );
    assert.deepEqual(report.targets[3]?.failures, { 'http-503': 20 });
    const first = (path: string) => seen.find((s) => s.path === path);
    assert.deepEqual(first('/health'), {
      method: 'GET',
      path: '/health',
      header: 'health',
      body: '',
    });
    assert.deepEqual(first('/orders'), {
      method: 'POST',
      path: '/orders',
      header: 'orders',
      body: '{"item":1}',
    });
    assert.deepEqual(first('/upload'), {
      method: 'PUT',
      path: '/upload',
      header: undefined,
      body: '{"from":"file"}',
    });
    assert.match(run.stdout, /target .*\n.*GET http:\/\/127\.0\.0\.1:\d+\/health\s+30\s+0/);
  });
});

test('repeated --url spreads requests evenly over the URLs, each origin with its own pool', async () => {
  const seenA: Seen[] = [];
  const seenB: Seen[] = [];
  await withHttpServer(recording(seenA), (a) =>
    withHttpServer(recording(seenB), async (b) => {
      const run = await lameduck([
        'load',
        `${a}a`,
        '--url',
        `${b}b`,
        '--rate',
        '40',
        '--duration',
        '500ms',
      ]);
      assert.equal(run.code, 0, run.stdout);
      assert.equal(seenA.length, 10);
      assert.equal(seenB.length, 10);
    }),
  );
});

test('--ramp: the rate moves linearly; the schedule holds the integral of the rate', async () => {
  const ramp = rampArrivals({ from: 0, to: 100, durationMs: 1000 });
  // 0 → 100 req/s over 1 s: 50 requests, the k-th due at sqrt(k / 50) s
  assert.equal(ramp.countBefore(1000), 50);
  assert.equal(ramp.due(0), 0);
  assert.ok(Math.abs(ramp.due(25) - 1000 * Math.sqrt(0.5)) < 1e-6);
  // after the ramp, the rate stays at `to`
  assert.ok(Math.abs(ramp.due(60) - 1100) < 1e-6);
  const down = rampArrivals({ from: 100, to: 0, durationMs: 1000 });
  assert.equal(down.countBefore(1000), 50);
  assert.equal(down.due(50), Number.POSITIVE_INFINITY, 'a ramp down to 0 ends the schedule');

  await withHttpServer(
    (_req, res) => res.end('ok'),
    async (url) => {
      const result = await runLoad({
        url,
        ramp: { from: 20, to: 100, durationMs: 2000 },
        durationMs: 2000,
      });
      assertAccounted(result);
      // ∫ 20 + 40t dt over [0,1) = 40 and over [1,2) = 100
      assert.deepEqual(
        result.timeline.map((row) => row.ok),
        [40, 80],
      );
      assert.deepEqual(result.options.ramp, { from: 20, to: 100, durationMs: 2000 });
      assert.equal(result.options.rate, 100);
    },
  );
});

/** Usage errors: exit 2 before any request, naming the flag (and for a targets file, the target). */
const USAGE: [string[], RegExp, string?][] = [
  [
    ['--ramp', '100-1000/30s'],
    /--ramp expects <from>\.\.<to>\/<duration>, e\.g\. 100\.\.1000\/30s, got "100-1000\/30s"/,
  ],
  [['--ramp', '0..0/1s'], /--ramp expects a ramp to or from a rate > 0, got "0\.\.0"/],
  [['--ramp', '1..2/1s', '--rate', '5'], /give either --rate or --ramp, not both/],
  [['--url', 'http:///x'], /--url expects a URL with a host after "\/\/", got "http:\/\/\/x"/],
  [['--targets', 'missing.json'], /--targets missing.json: cannot read the file \(ENOENT\)/],
  [
    ['--targets', 'bad.json'],
    /--targets bad.json: target 2 has an unknown key "wieght"/,
    '[{"url":"http://127.0.0.1/"},{"url":"http://127.0.0.1/","wieght":2}]',
  ],
  [
    ['--targets', 'bad.json'],
    /--targets bad.json: target 1 "method" expects an HTTP method token, got "GE T"/,
    '[{"url":"http://127.0.0.1/","method":"GE T"}]',
  ],
  [
    ['--targets', 'bad.json'],
    /--targets bad.json: target 1 "url" expects an http:\/\/ or https:\/\/ URL, got "ftp:\/\/x\/"/,
    '[{"url":"ftp://x/"}]',
  ],
  [
    ['--targets', 'bad.json'],
    /--targets bad.json: target 1 "weight" expects a weight that is a whole number from 1 to 1000000, got 0/,
    '[{"url":"http://127.0.0.1/","weight":0}]',
  ],
  [['--connections', 'lots'], /--connections expects a whole number >= 1, or auto, got "lots"/],
];

for (const [flags, message, content] of USAGE) {
  test(`usage error, exit 2: ${flags.join(' ')}${content ? ` (${content})` : ''}`, async () => {
    if (content !== undefined) writeFileSync(join(dir, 'bad.json'), content);
    const base = flags[0] === '--targets' || flags[0] === '--url' ? [] : ['http://127.0.0.1:9/'];
    const run = await lameduck(['load', ...base, ...flags], { cwd: dir });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
    assert.doesNotMatch(run.stderr, /Invalid option "/, 'the flag, not the API option');
  });
}
