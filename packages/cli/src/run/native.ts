import { createRequire } from 'node:module';

/** What the optional native addon (native/reaper.c) gives `lameduck run`. */
export interface Reaper {
  /** Reaps one exited child that libuv did not spawn; null when it has not exited or is not ours. */
  reap(pid: number): { pid: number; code: number | null; signal: number | null } | null;
  /** Makes orphans of our descendants our children (prctl PR_SET_CHILD_SUBREAPER). */
  setChildSubreaper(): boolean;
}

export type ReaperStatus =
  | { readonly available: true; readonly reaper: Reaper; readonly path: string }
  | { readonly available: false; readonly reason: string };

/** Where node-gyp puts the addon, relative to this module in both src/run and dist/run. */
const addonUrl = new URL('../../build/Release/lameduck_reaper.node', import.meta.url);

/**
 * Loads the native reaper if it was built at install (`npm rebuild @lameduck/cli` builds it later).
 * `LAMEDUCK_REAPER=off` in the environment turns it off, to compare or to rule it out.
 */
export function loadReaper(env: Readonly<Record<string, string | undefined>>): ReaperStatus {
  if (env.LAMEDUCK_REAPER === 'off') {
    return { available: false, reason: 'turned off by LAMEDUCK_REAPER=off' };
  }
  if (process.platform !== 'linux') {
    return { available: false, reason: `not supported on ${process.platform}` };
  }
  const path = addonUrl.pathname;
  try {
    const reaper = createRequire(import.meta.url)(path) as Reaper;
    return { available: true, reaper, path };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'MODULE_NOT_FOUND'
        ? 'the native addon was not built (install scripts skipped, or no compiler)'
        : `the native addon did not load: ${(error as Error).message}`;
    return { available: false, reason };
  }
}
