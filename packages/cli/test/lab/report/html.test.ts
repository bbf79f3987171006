import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { hasCommand } from '../system.ts';

const exec = promisify(execFile);
const bin = fileURLToPath(new URL('../../../dist/bin.js', import.meta.url));
const chromium = ['chromium', 'chromium-browser', 'google-chrome'].find(hasCommand);

test('--html writes a self-contained report that headless Chromium renders, one chart per scenario', {
  skip: chromium ? false : 'no Chromium (scripts/system-deps.mjs installs Debian chromium as root)',
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-html-'));
  const html = join(dir, 'lab.html');
  const json = join(dir, 'lab.json');
  await exec(
    process.execPath,
    [bin, 'lab', '--quick', '--scenario', 'sigterm-exit,lameduck', '--html', html, '--json', json],
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
  const { stdout } = await exec(
    chromium as string,
    ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', pathToFileURL(html).href],
    { timeout: 60_000, maxBuffer: 20 * 1024 * 1024 },
  );
  assert.match(stdout, /data-rendered="2\/2"/, 'both charts have a layout and bars');
  assert.match(stdout, /<title>[^<]*sigterm/, 'pod events are drawn with their details');
});
