// --json and --html as a user runs them: the real `lameduck` process, its real standard output, real
// files, links and devices. Every output is checked before the first request is sent.
import assert from 'node:assert/strict';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { LoadReport } from '../../src/load/index.ts';
import { lameduckProcess } from './support/cli.ts';
import { withHttpServer } from './support/servers.ts';

const dir = mkdtempSync(join(tmpdir(), 'lameduck-load-output-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Counts the connections a server accepted. */
function connections(server: Server): () => number {
  let n = 0;
  server.on('connection', () => n++);
  return () => n;
}

const brief = (url: string, ...extra: string[]) => [
  'load',
  url,
  '--rate',
  '20',
  '--duration',
  '250ms',
  ...extra,
];

/** Standard output is exactly one JSON report of a passed 5-request run. */
function assertJsonOnStdout(stdout: string): LoadReport {
  const report = JSON.parse(stdout) as LoadReport;
  assert.equal(report.passed, true);
  assert.equal(report.totals.ok, 5);
  return report;
}

for (const flags of [['--json', '-'], ['--json=-'], ['--json', '/dev/stdout']]) {
  test(`${flags.join(' ')}: the JSON goes to standard output, the text report to stderr`, async () => {
    const link = lstatSync('/dev/stdout', { throwIfNoEntry: false });
    const target = link?.isSymbolicLink() ? readlinkSync('/dev/stdout') : undefined;
    await withHttpServer(
      (_req, res) => res.end('ok'),
      async (url) => {
        const run = await lameduckProcess(brief(url, ...flags), { cwd: dir });
        assert.equal(run.code, 0, run.stderr);
        assertJsonOnStdout(run.stdout);
        assert.match(run.stderr, /scheduled 5 {2}sent 5 {2}ok 5 {2}failed 0/);
        assert.match(run.stderr, /PASSED: no request failed/);
      },
    );
    assert.deepEqual(readdirSync(dir), [], 'no file named - or stdout');
    if (target !== undefined) {
      // as root, an atomic rename over /dev/stdout would have replaced the link with a file
      assert.ok(lstatSync('/dev/stdout').isSymbolicLink(), '/dev/stdout is still a link');
      assert.equal(readlinkSync('/dev/stdout'), target);
    }
  });
}

test('--json - in command mode: the command output goes to stderr, standard output stays JSON', async () => {
  await withHttpServer(
    (_req, res) => res.end('ok'),
    async (url) => {
      const run = await lameduckProcess(
        [
          'load',
          url,
          '--rate',
          '20',
          '--tail',
          '250ms',
          '--json',
          '-',
          '--',
          process.execPath,
          '-e',
          "console.log('rolled out')",
        ],
        { cwd: dir },
      );
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as LoadReport;
      assert.equal(report.command?.exitCode, 0);
      assert.match(run.stderr, /rolled out/);
    },
  );
});

test('--html - writes the page to standard output; --json and --html cannot both take it', async () => {
  await withHttpServer(
    (_req, res) => res.end('ok'),
    async (url, server) => {
      const page = await lameduckProcess(brief(url, '--html', '-'), { cwd: dir });
      assert.equal(page.code, 0, page.stderr);
      assert.match(page.stdout, /^<!doctype html>/);
      assert.match(page.stdout, /<\/html>\n$/);
      assert.match(page.stderr, /PASSED/);
      const seen = connections(server);
      const both = await lameduckProcess(brief(url, '--json', '-', '--html', '/dev/stdout'), {
        cwd: dir,
      });
      assert.equal(both.code, 2);
      assert.match(
        both.stderr,
        /only one of --json, --html and --junit can write to standard output/,
      );
      assert.equal(seen(), 0, 'no request was sent');
    },
  );
});

test('--json through a symbolic link writes the file it points at and keeps the link', async () => {
  const real = join(dir, 'real');
  const links = join(dir, 'links');
  mkdirSync(real);
  mkdirSync(links);
  symlinkSync(join(real, 'result.json'), join(links, 'result.json'));
  await withHttpServer(
    (_req, res) => res.end('ok'),
    async (url) => {
      const run = await lameduckProcess(brief(url, '--json', 'links/result.json'), { cwd: dir });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /PASSED/);
    },
  );
  assert.ok(lstatSync(join(links, 'result.json')).isSymbolicLink(), 'the link is still a link');
  assertJsonOnStdout(readFileSync(join(real, 'result.json'), 'utf8'));
  assert.deepEqual(readdirSync(real), ['result.json'], 'no temporary file left');
  assert.deepEqual(readdirSync(links), ['result.json']);
  rmSync(real, { recursive: true });
  rmSync(links, { recursive: true });
});

test('--json into a folder that does not exist: exit 2 before any request, and the command never starts', async () => {
  await withHttpServer(
    (_req, res) => res.end('ok'),
    async (url, server) => {
      const seen = connections(server);
      const run = await lameduckProcess(brief(url, '--json', '/nonexistent/x.json'), { cwd: dir });
      assert.equal(run.code, 2);
      assert.match(
        run.stderr,
        /cannot write --json "\/nonexistent\/x.json": the folder \/nonexistent does not exist/,
      );
      assert.equal(run.stdout, '');
      const marker = join(dir, 'command-ran');
      const withCommand = await lameduckProcess(
        [
          'load',
          url,
          '--html',
          '/nonexistent/x.html',
          '--',
          process.execPath,
          '-e',
          `require('node:fs').writeFileSync(${JSON.stringify(marker)}, '')`,
        ],
        { cwd: dir },
      );
      assert.equal(withCommand.code, 2);
      assert.match(withCommand.stderr, /cannot write --html "\/nonexistent\/x.html"/);
      assert.equal(existsSync(marker), false, 'the command did not run');
      assert.equal(seen(), 0, 'the server received no connection');
    },
  );
});
