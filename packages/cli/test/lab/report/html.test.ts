import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { renderHtml } from '../../../src/lab/report/html.ts';
import { hasCommand } from '../system.ts';
import { scenario } from './fixture.ts';

const exec = promisify(execFile);
const bin = fileURLToPath(new URL('../../../dist/bin.js', import.meta.url));
const chromium = ['chromium', 'chromium-browser', 'google-chrome'].find(hasCommand);

test('the HTML page draws the race on one time axis: lanes, a tick per proxy, classes in a legend, teardown not drawn as failures', () => {
  const page = renderHtml([scenario('a', 3_000), scenario('b', 6_000)], {
    settings: {},
    limitations: [],
  });
  // One axis for the page: the first scenario's 1 s tick sits where the second one's does.
  const ticks = [
    ...page.matchAll(/<text x="([\d.]+)" y="\d+" class="tick" text-anchor="middle">1s</g),
  ].map((m) => m[1]);
  assert.ok(ticks.length >= 4 && new Set(ticks).size === 1, ticks.join(' '));
  assert.match(page, /class="legend"[\s\S]*refused/);
  assert.doesNotMatch(
    page,
    /data-class="reset"/,
    'what happens after teardown is not a failure of the story',
  );
  assert.doesNotMatch(
    page,
    /class="kill"[^>]*>✕<title>[^<]*teardown/,
    'nor a SIGKILL of the story',
  );
  assert.equal((page.match(/class="synced" data-view="node-1"/g) ?? []).length, 2);
  assert.equal((page.match(/class="synced" data-view="node-2"/g) ?? []).length, 2);
  for (const phase of ['starting', 'ready', 'prestop', 'sigterm'])
    assert.match(page, new RegExp(`data-phase="${phase}"`), phase);
  assert.match(page, /a: what it does/);
  assert.match(page, /Replays seed story 001/);
  assert.match(page, /class="teardown"/);
});

test('--html writes a self-contained report that headless Chromium renders: charts and lanes for every scenario, a screenshot kept', {
  skip: chromium ? false : 'no Chromium (scripts/system-deps.mjs installs Debian chromium as root)',
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-html-'));
  const html = join(dir, 'lab.html');
  const json = join(dir, 'lab.json');
  await exec(
    process.execPath,
    [
      bin,
      'lab',
      '--quick',
      '--scenario',
      'graceful-no-delay,lameduck',
      '--html',
      html,
      '--json',
      json,
    ],
    { timeout: 120_000 },
  ).catch((error: { code: number }) => assert.equal(error.code, 1));
  const page = readFileSync(html, 'utf8');
  assert.doesNotMatch(
    page,
    /<(script|link|img)[^>]+(src|href)=["']https?:/,
    'no network resources',
  );
  const report = JSON.parse(readFileSync(json, 'utf8'));
  for (const s of report.scenarios) assert.match(page, new RegExp(`data-scenario="${s.name}"`));
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars'];
  const { stdout } = await exec(
    chromium as string,
    [...flags, '--dump-dom', pathToFileURL(html).href],
    {
      timeout: 60_000,
      maxBuffer: 20 * 1024 * 1024,
    },
  );
  assert.match(stdout, /data-rendered="2\/2"/, 'both charts have a layout and bars');
  assert.match(stdout, /data-lanes="2"/, 'both scenarios have pod lanes');
  assert.match(stdout, /<title>[^<]*sigterm/, 'pod events are drawn with their details');
  assert.match(stdout, /class="synced"/, 'ticks for the proxies');
  // A picture a person can look at, kept outside the repository.
  const artifacts = join(tmpdir(), 'lameduck-test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  const png = join(artifacts, 'lab-report.png');
  await exec(
    chromium as string,
    [...flags, `--screenshot=${png}`, '--window-size=1200,1600', pathToFileURL(html).href],
    { timeout: 60_000 },
  );
  assert.ok(statSync(png).size > 10_000, 'a screenshot with something in it');
  t.diagnostic(`screenshot: ${png}`);
  process.stderr.write(`lab HTML report screenshot: ${png}\n`);
});
