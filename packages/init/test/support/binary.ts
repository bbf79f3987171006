// The lameduck-init binaries the tests run, compiled from src/ when a source file is newer than the
// binary (so a test never runs a stale build). Each build goes through scripts/build.mjs, the same
// script the install and the prepack steps use.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const initDir = fileURLToPath(new URL('../../', import.meta.url));
const srcDir = join(initDir, 'src');

export type Target = 'host' | 'x64' | 'arm64' | 'debug' | 'eintr';

export type Built =
  | { readonly path: string; readonly why?: undefined }
  | { readonly path?: undefined; readonly why: string };

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

const cache = new Map<Target, Built>();

/** Builds `target` into build/<target>/lameduck-init if needed; `why` says what is missing. */
export function initBinary(target: Target = 'host'): Built {
  const known = cache.get(target);
  if (known) return known;
  const path = join(initDir, 'build', target, 'lameduck-init');
  const newest = Math.max(
    ...readdirSync(srcDir).map((f) => mtime(join(srcDir, f))),
    mtime(join(initDir, 'scripts', 'build.mjs')),
  );
  let built: Built = { path };
  if (process.platform !== 'linux') {
    built = { why: 'lameduck-init is a Linux program' };
  } else if (mtime(path) < newest) {
    const result = spawnSync(process.execPath, [join(initDir, 'scripts', 'build.mjs'), target], {
      encoding: 'utf8',
    });
    if (result.status !== 0) built = { why: result.stderr.trim() || `build ${target} failed` };
  }
  cache.set(target, built);
  return built;
}
