// A JDK HttpServer app started by a bash script (shared/seeds 001), run in the lab with its own
// manifest: the script without a trap loses requests; with the trap and the app's drain, none.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertLossAndFix, FIXTURES, manifest, runOwn } from './own-app.ts';
import { hasCommand } from './system.ts';

test('a JDK HttpServer behind a bash script: no trap loses requests, the trap and a drain lose none', {
  skip: hasCommand('javac')
    ? false
    : 'no JDK (scripts/system-deps.mjs installs openjdk-17-jdk-headless as root)',
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-java-'));
  try {
    execFileSync('javac', ['-d', join(dir, 'classes'), join(FIXTURES, 'java', 'Main.java')]);
    copyFileSync(join(FIXTURES, 'java', 'start.sh'), join(dir, 'start.sh'));
    const command = ['/bin/bash', 'start.sh'];
    const classes = { APP_CLASSPATH: join(dir, 'classes') };
    // Both at once: each lab claims its own addresses; at 20 rps they hardly share the cores.
    const [broken, fixed] = await Promise.all([
      runOwn(dir, 'java.yaml', manifest('java', command, classes)),
      runOwn(
        dir,
        'java-graceful.yaml',
        manifest('java-graceful', command, { ...classes, TRAP: '1', GRACEFUL: '1' }),
      ),
    ]);
    assertLossAndFix(broken, fixed);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
