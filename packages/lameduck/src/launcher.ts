import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/**
 * npm packages whose commands start other processes, or are tools rather than services. When
 * NODE_OPTIONS="--import lameduck/auto" reaches them, lameduck/auto stays out of their way: their
 * own servers (`lameduck run --ready-port`, the lab's proxies) are not drained and never claim the
 * admin port, which belongs to the app they start.
 */
const LAUNCHERS = new Set(['npm', 'yarn', 'pnpm', 'corepack']);

/**
 * The `lameduck` command's entry points. Only those: the lab starts its demo app from the same
 * package, and that app is a service that must be drained.
 */
const LAMEDUCK_COMMAND = new Set(['bin/lameduck.js', 'dist/bin.js', 'src/bin.ts']);

/** The main script is a launcher's: a script of npm, yarn, pnpm, corepack, or the `lameduck` command. */
export function isLauncher(mainScript: string | undefined): boolean {
  if (!mainScript) return false;
  let main: string;
  try {
    main = realpathSync(mainScript);
  } catch {
    return false;
  }
  let dir = dirname(main);
  for (;;) {
    try {
      const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
      };
      if (typeof name !== 'string') throw new Error('unnamed');
      if (name === '@lameduck/cli')
        return LAMEDUCK_COMMAND.has(relative(dir, main).split(sep).join('/'));
      return LAUNCHERS.has(name);
    } catch {
      // no package.json here (or an unreadable one): look further up
    }
    const parent = dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}
