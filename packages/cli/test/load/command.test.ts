import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { assertDocumentedDefaults } from '../../../../test/support/docs.ts';
import type { CommandSpec } from '../../src/args/spec.ts';
import command from '../../src/load/command.ts';
import type { LoadReport } from '../../src/load/index.ts';
import { lameduck } from './support/cli.ts';
import { closedPort, withHttpServer } from './support/servers.ts';

const ESC = '\u001b[';
const dir = mkdtempSync(join(tmpdir(), 'lameduck-load-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('docs/load.md documents every option with the default the code uses', () => {
  assertDocumentedDefaults(
    command as unknown as CommandSpec,
    new URL('../../../../docs/load.md', import.meta.url),
  );
});

/** Bad input: exit 2 before any request, with a message that names the flag as typed. */
const USAGE_ERRORS: [string[], RegExp][] = [
  [['load'], /missing argument <url>/],
  [['load', 'not a url'], /<url> expects an absolute http:\/\/ or https:\/\/ URL, got "not a url"/],
  [['load', 'ftp://127.0.0.1/'], /<url> expects .* got "ftp:\/\/127.0.0.1\/"/],
  [['load', 'http://127.0.0.1/', '--rate', '-5'], /--rate expects a number >= 0.01, got "-5"/],
  [['load', 'http://127.0.0.1/', '--rate', 'fast'], /--rate expects a number .*got "fast"/],
  [['load', 'http://127.0.0.1/', '--duration', '10'], /--duration expects a duration .*got "10"/],
  [['load', 'http://127.0.0.1/', '--timeout', 'soon'], /--timeout expects a duration .*got "soon"/],
  [
    ['load', 'http://127.0.0.1/', '--keepalive', 'maybe'],
    /--keepalive expects one of on, off, got "maybe"/,
  ],
  [
    ['load', 'http://127.0.0.1/', '--connections', '0'],
    /--connections expects a whole number >= 1, or auto, got "0"/,
  ],
  [
    ['load', 'http://127.0.0.1/', '-H', 'no colon'],
    /^lameduck load: -H\/--header expects "Name: value", got "no colon"/,
  ],
  [
    ['load', 'http://127.0.0.1/', '--method', 'GE T'],
    /^lameduck load: --method expects an HTTP method token, got "GE T"/,
  ],
  [
    ['load', 'http://127.0.0.1/', '--http2', '-H', 'Connection: close'],
    /^lameduck load: -H\/--header expects no connection-specific header with HTTP\/2, got "Connection"/,
  ],
  [
    ['load', 'http:///', '--rate', '5'],
    /^lameduck load: <url> expects a URL with a host after "\/\/", got "http:\/\/\/"/,
  ],
  [
    ['load', 'http:///path', '--rate', '5'],
    /^lameduck load: <url> expects a URL with a host after "\/\/", got "http:\/\/\/path"/,
  ],
  [
    ['load', 'http://127.0.0.1:99999/'],
    /^lameduck load: <url> expects a port from 1 to 65535 in "http:\/\/127.0.0.1:99999\/", got 99999/,
  ],
  [
    ['load', 'http://127.0.0.1/', '--rate', '1e9', '--duration', '1ms'],
    /^lameduck load: --rate expects at most 100000 requests per second from one process .*, got 1000000000/,
  ],
  [
    ['load', 'http://127.0.0.1/', '--body', 'a', '--body-file', 'b'],
    /either --body or --body-file/,
  ],
  [
    ['load', 'http://127.0.0.1/', '--body-file', 'does-not-exist'],
    /cannot read --body-file "does-not-exist" \(ENOENT\)/,
  ],
  [['load', 'http://127.0.0.1/', '--bogus'], /unknown option --bogus/],
  [
    ['load', 'http://127.0.0.1/', '--json', 'no/such/dir/r.json'],
    /--json "no\/such\/dir\/r.json": the folder .*no\/such\/dir does not exist/,
  ],
];

for (const [argv, message] of USAGE_ERRORS) {
  test(`usage error, exit 2: lameduck ${argv.slice(1).join(' ')}`, async () => {
    const run = await lameduck(argv, { cwd: dir });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
    assert.doesNotMatch(run.stderr, /Invalid option "/, 'the flag, not the API option');
    assert.equal(run.stdout, '');
  });
}

test('failed requests exit 1 unless within --max-failures; --json writes the documented shape', async () => {
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}/`;
  const json = join(dir, 'refused.json');
  const brief = (...extra: string[]) =>
    lameduck(['load', url, '--rate', '20', '--duration', '500ms', ...extra]);
  const failing = await brief('--json', json);
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, /failures: refused 10/);
  assert.match(failing.stdout, /FAILED: 10 of 10 requests failed \(--max-failures 0\)/);
  const report = JSON.parse(readFileSync(json, 'utf8')) as LoadReport;
  const { late, ...totals } = report.totals;
  assert.deepEqual(totals, {
    scheduled: 10,
    sent: 10,
    ok: 0,
    failed: 10,
    retried: 0,
    cancelled: 0,
  });
  assert.ok(late >= 0 && late <= 10);
  assert.equal(report.failures.refused, 10);
  assert.equal(report.passed, false);
  assert.deepEqual(Object.keys(report.latency), ['p50', 'p90', 'p99', 'p999', 'max']);
  assert.deepEqual(report.timeline[0], {
    second: 0,
    ok: 0,
    failures: { refused: 10 },
    late,
    retried: 0,
    cancelled: 0,
    p50: null,
    p99: null,
  });
  assert.equal(report.options.rate, 20);
  assert.equal(typeof report.startedAt, 'number');

  const tolerated = await brief('--max-failures', '10');
  assert.equal(tolerated.code, 0);
  assert.match(tolerated.stdout, /PASSED: 10 failed, within --max-failures 10/);
});

test('a healthy run exits 0; output has no colour without a TTY or with NO_COLOR', async () => {
  await withHttpServer(
    (_req, res) => res.end('ok'),
    async (url) => {
      const run = await lameduck(['load', url, '--rate', '50', '--duration', '500ms']);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /scheduled 25 {2}sent 25 {2}ok 25 {2}failed 0/);
      assert.match(run.stdout, /PASSED: no request failed/);
      assert.ok(!run.stdout.includes(ESC), 'no ANSI escapes');
      const tty = await lameduck(['load', url, '--rate', '50', '--duration', '500ms'], {
        tty: true,
        env: { NO_COLOR: '1' },
      });
      assert.ok(!tty.stdout.includes(ESC), 'NO_COLOR wins over a TTY');
      const quiet = await lameduck(['load', url, '--rate', '50', '--duration', '500ms', '--quiet']);
      assert.equal(quiet.stdout + quiet.stderr, '');
    },
  );
});

test('headers, method and body are sent as given', async () => {
  const seen: { method: string | undefined; header: string | undefined; body: string }[] = [];
  await withHttpServer(
    (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        seen.push({ method: req.method, header: req.headers['x-probe'] as string, body });
        res.end();
      });
    },
    async (url) => {
      const file = join(dir, 'body.json');
      writeFileSync(file, '{"a":1}');
      const run = await lameduck(
        [
          'load',
          url,
          '--rate',
          '20',
          '--duration',
          '200ms',
          '--method',
          'post',
          '-H',
          'X-Probe: yes',
          '--body-file',
          'body.json',
        ],
        { cwd: dir },
      );
      assert.equal(run.code, 0, run.stderr);
    },
  );
  assert.equal(seen.length, 4);
  assert.deepEqual(seen[0], { method: 'POST', header: 'yes', body: '{"a":1}' });
});

test('command mode: the load runs while the command runs, plus --tail; its exit status is honoured', async () => {
  await withHttpServer(
    (_req, res) => res.end('ok'),
    async (url) => {
      const json = join(dir, 'command.json');
      const node = process.execPath;
      const ok = await lameduck([
        'load',
        url,
        '--rate',
        '50',
        '--tail',
        '200ms',
        '--json',
        json,
        '--',
        node,
        '-e',
        "setTimeout(() => console.log('rolled out'), 600)",
      ]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /rolled out/);
      const report = JSON.parse(readFileSync(json, 'utf8')) as LoadReport;
      const outcome = report.command;
      assert.ok(outcome);
      assert.equal(outcome.exitCode, 0);
      assert.ok(outcome.durationMs >= 600, `the command ran ${outcome.durationMs} ms`);
      // the load ended --tail after the command: the run is at least as long as both; it did not
      // run the 10 s default --duration
      const { elapsedMs, totals } = report;
      // (the command's 600 ms begin after its start, a few ms of our own code before the load's)
      assert.ok(elapsedMs >= 600 + 200 - 50, `elapsed ${elapsedMs}`);
      assert.ok(elapsedMs < 10_000, `elapsed ${elapsedMs}`);
      assert.equal(totals.ok, totals.scheduled);
      // open model: never more than rate × elapsed requests
      assert.ok(totals.scheduled <= (elapsedMs * 50) / 1000 + 1, `scheduled ${totals.scheduled}`);
      assert.ok(totals.ok >= 35, `ok ${totals.ok}`);

      const failing = await lameduck([
        'load',
        url,
        '--rate',
        '50',
        '--tail',
        '0',
        '--',
        node,
        '-e',
        'process.exit(3)',
      ]);
      assert.equal(failing.code, 1);
      assert.match(failing.stdout, /FAILED: command ".*" exited with code 3/);

      const missing = await lameduck([
        'load',
        url,
        '--rate',
        '50',
        '--',
        'lameduck-no-such-command',
      ]);
      assert.equal(missing.code, 1);
      assert.match(missing.stdout, /could not start: not found/);
    },
  );
});

test('Ctrl-C ends the run early, stops the command, still reports, and exits 130', async () => {
  // "Ctrl-C" comes once the server has answered 20 requests, however long that took
  const controller = new AbortController();
  let served = 0;
  await withHttpServer(
    (_req, res) => {
      res.end('ok');
      if (++served === 20) controller.abort();
    },
    async (url) => {
      const json = join(dir, 'interrupted.json');
      const started = Date.now();
      const run = await lameduck(
        [
          'load',
          url,
          '--rate',
          '50',
          '--before',
          '100ms',
          '--json',
          json,
          '--',
          process.execPath,
          '-e',
          'setTimeout(() => {}, 30000)',
        ],
        { signal: controller.signal },
      );
      assert.equal(run.code, 130, run.stdout + run.stderr);
      assert.ok(Date.now() - started < 30_000, 'the 30 s command was stopped');
      assert.match(run.stdout, /INTERRUPTED after .*: no request failed so far/);
      const report = JSON.parse(readFileSync(json, 'utf8')) as LoadReport;
      assert.equal(report.aborted, true);
      assert.equal(report.passed, false);
      assert.equal(report.command?.signal, 'SIGTERM');
      assert.equal(report.totals.failed, 0);
      assert.ok(report.totals.ok > 0);
    },
  );
});
