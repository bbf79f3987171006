// `lameduck load <url> -- <command>` as a real process, with real commands and real signals: when the
// command is done, what bounds the run, where signals go, the baseline before it, and the markers.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { LoadReport } from '../../src/load/index.ts';
import { lameduck, startLameduck } from './support/cli.ts';
import { withHttpServer } from './support/servers.ts';

const dir = mkdtempSync(join(tmpdir(), 'lameduck-load-command-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ok = (_req: unknown, res: { end(body: string): void }) => res.end('ok');
const readReport = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as LoadReport;

test('a command that never ends: an explicit --duration bounds the whole run; SIGTERM, SIGKILL, timed out', async () => {
  await withHttpServer(ok, async (url) => {
    const json = join(dir, 'never.json');
    // the command ignores SIGTERM: only SIGKILL, --kill-after later, ends it
    const run = await startLameduck(
      [
        'load',
        url,
        '--rate',
        '20',
        '--duration',
        '1500ms',
        '--before',
        '200ms',
        '--kill-after',
        '300ms',
        '--json',
        json,
        '--',
        'sh',
        '-c',
        "trap '' TERM; echo started; while :; do sleep 0.1; done",
      ],
      { timeoutMs: 20_000 },
    ).done;
    assert.equal(run.code, 1, run.stdout + run.stderr);
    // 1.5 s, then at most --kill-after, plus process start-up: far from the 20 s the test allows
    assert.ok(run.ms < 10_000, `the run took ${run.ms} ms`);
    assert.match(
      run.stdout,
      /FAILED: command "sh -c .*" timed out: still running when --duration ended, stopped by SIGKILL/,
    );
    const report = readReport(json);
    assert.equal(report.command?.timedOut, true);
    assert.equal(report.command?.signal, 'SIGKILL');
    assert.ok(report.elapsedMs <= 1500, `load scheduled for ${report.elapsedMs} ms`);
  });
});

test('the command is done when its process exits, not when a background child closes its output', async () => {
  await withHttpServer(ok, async (url) => {
    const json = join(dir, 'background.json');
    const run = await startLameduck(
      [
        'load',
        url,
        '--rate',
        '20',
        '--before',
        '0',
        '--tail',
        '200ms',
        '--json',
        json,
        '--',
        'sh',
        '-c',
        'sleep 8 & exit 0',
      ],
      { timeoutMs: 30_000 },
    ).done;
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const report = readReport(json);
    assert.ok(
      (report.command?.durationMs ?? 99_999) < 2000,
      `command.durationMs ${report.command?.durationMs}`,
    );
    assert.ok(
      report.elapsedMs < 3000,
      `the load ran ${report.elapsedMs} ms, not the 8 s of the background sleep`,
    );
    assert.ok(run.ms < 7000, `the run took ${run.ms} ms`);
  });
});

test('SIGINT to lameduck goes to the command (the same signal), and lameduck exits 130 with its reports', async () => {
  await withHttpServer(ok, async (url) => {
    const json = join(dir, 'sigint.json');
    const lameduckRun = startLameduck(
      [
        'load',
        url,
        '--rate',
        '20',
        '--before',
        '100ms',
        '--json',
        json,
        '--',
        'sh',
        '-c',
        "trap 'echo got INT; exit 7' INT; echo started; while :; do sleep 0.1; done",
      ],
      { timeoutMs: 30_000 },
    );
    await lameduckRun.waitFor('started');
    lameduckRun.child.kill('SIGINT');
    const run = await lameduckRun.done;
    assert.equal(run.code, 130, run.stdout + run.stderr);
    assert.match(run.stdout, /got INT/);
    assert.match(run.stdout, /INTERRUPTED after/);
    const report = readReport(json);
    assert.equal(report.aborted, true);
    assert.equal(report.command?.exitCode, 7);
  });
});

test('--before loads a baseline before the command starts; start and end are marked in text, JSON and HTML', async () => {
  await withHttpServer(ok, async (url) => {
    const json = join(dir, 'before.json');
    const html = join(dir, 'before.html');
    const run = await lameduck([
      'load',
      url,
      '--rate',
      '40',
      '--before',
      '1200ms',
      '--tail',
      '300ms',
      '--json',
      json,
      '--html',
      html,
      '--',
      process.execPath,
      '-e',
      'setTimeout(() => {}, 300)',
    ]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const report = readReport(json);
    const command = report.command;
    assert.ok(command);
    assert.ok(command.startedAtMs >= 1200, `the command started at ${command.startedAtMs} ms`);
    assert.ok(command.endedAtMs >= command.startedAtMs + 300);
    // the baseline: every request of the first second was sent before the command started
    assert.equal(report.timeline[0]?.ok, 40);
    assert.match(
      run.stdout,
      /command started at 1\.\d s, exited with code 0 at \d\.\d s; it ran \d+ ms/,
    );
    const page = readFileSync(html, 'utf8');
    assert.match(page, /<line class="marker"[^>]*><title>command started<\/title>/);
    assert.match(page, /<line class="marker"[^>]*><title>command exited<\/title>/);
    assert.match(page, /id="command">command started at 1\.\d s/);
  });
});

test('the text says how long the run lasted, not how many timeline rows it has', async () => {
  await withHttpServer(ok, async (url) => {
    const run = await lameduck(['load', url, '--rate', '20', '--duration', '1200ms']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /no failed request in 1\.2 s/);
    assert.match(run.stdout, /20 req\/s for 1\.2 s/);
  });
});
