// A Python ThreadingHTTPServer app run in the lab with its own manifest: without a SIGTERM handler
// it loses requests; with its drain, none.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertLossAndFix, FIXTURES, manifest, runOwn } from './own-app.ts';
import { hasCommand } from './system.ts';

test('a Python ThreadingHTTPServer: no SIGTERM handling loses requests, its drain loses none', {
  skip: hasCommand('python3') ? false : 'no python3',
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-python-'));
  try {
    copyFileSync(join(FIXTURES, 'python', 'app.py'), join(dir, 'app.py'));
    const command = ['python3', 'app.py'];
    // Both at once: each lab claims its own addresses; at 20 rps they hardly share the cores.
    const [broken, fixed] = await Promise.all([
      runOwn(dir, 'python.yaml', manifest('python', command, {})),
      runOwn(dir, 'python-graceful.yaml', manifest('python-graceful', command, { GRACEFUL: '1' })),
    ]);
    assertLossAndFix(broken, fixed);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
