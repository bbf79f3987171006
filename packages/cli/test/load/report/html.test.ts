import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { CLASS_COLORS } from '../../../src/load/report/html.ts';
import { lameduck } from '../support/cli.ts';
import { countColor, readPng } from '../support/png.ts';
import { withHttpServer } from '../support/servers.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'lameduck-html-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function chromiumAvailable(): Promise<boolean> {
  try {
    await run('chromium', ['--version'], { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** Headless Chromium with a fresh profile and nothing that reaches the network. */
function chromium(args: string[]) {
  return run(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${mkdtempSync(join(dir, 'profile-'))}`,
      ...args,
    ],
    { timeout: 90_000, maxBuffer: 32 * 1024 * 1024 },
  );
}

test('--html writes a self-contained report that renders the per-second chart in Chromium', async (t) => {
  if (!(await chromiumAvailable())) {
    t.skip('chromium is not installed (scripts/system-deps.mjs installs it when run as root)');
    return;
  }
  let n = 0;
  const html = join(dir, 'report.html');
  await withHttpServer(
    (_req, res) => {
      res.statusCode = ++n % 3 === 0 ? 503 : 200;
      res.end('x');
    },
    async (url) => {
      const result = await lameduck([
        'load',
        url,
        '--rate',
        '60',
        '--duration',
        '2s',
        '--html',
        html,
      ]);
      assert.equal(result.code, 1);
    },
  );
  const page = readFileSync(html, 'utf8');
  assert.doesNotMatch(page, /<(script|link|img)[^>]+(src|href)=/i, 'no external assets');

  const { stdout: dom } = await chromium(['--dump-dom', pathToFileURL(html).href]);
  assert.match(dom, /FAILED: 40 of 120 requests failed/);
  const bars = (series: string) =>
    dom.match(new RegExp(`class="bar" data-series="${series}"`, 'g'))?.length ?? 0;
  assert.equal(bars('ok'), 2, 'an ok segment per second in the outcome chart');
  assert.equal(
    bars('http-503'),
    4,
    'a 503 segment per second in the outcome and the failure charts',
  );

  const png = join(dir, 'report.png');
  await chromium(['--window-size=1100,1000', `--screenshot=${png}`, pathToFileURL(html).href]);
  const image = readPng(readFileSync(png));
  assert.equal(image.width, 1100);
  assert.ok(countColor(image, '#2ca02c') > 5000, 'green ok bars are painted');
  assert.ok(countColor(image, CLASS_COLORS['http-503']) > 5000, 'http-503 bars are painted');
});
