import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * npm packages whose commands start other processes, or are tools rather than services. When
 * NODE_OPTIONS="--import lameduck/auto" reaches them, lameduck/auto stays out of their way: their
 * own servers (`lameduck run --ready-port`, the lab's proxies) are not drained and never claim the
 * admin port, which belongs to the app they start.
 */
const LAUNCHERS = new Set(['npm', 'yarn', 'pnpm', 'corepack', '@lameduck/cli']);

/** The package the main script belongs to is a launcher (see LAUNCHERS). */
export function isLauncher(mainScript: string | undefined): boolean {
  if (!mainScript) return false;
  let dir: string;
  try {
    dir = dirname(realpathSync(mainScript));
  } catch {
    return false;
  }
  for (;;) {
    try {
      const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
      };
      if (typeof name === 'string') return LAUNCHERS.has(name);
    } catch {
      // no package.json here (or an unreadable one): look further up
    }
    const parent = dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}
