#!/usr/bin/env node
// Compiles lameduck-init from src/*.c with the C compiler of the target. No dependency beyond libc:
//
//   node scripts/build.mjs host    [--out FILE]  static, for this machine (musl-gcc, else cc -static)
//   node scripts/build.mjs x64     [--out FILE]  static x86_64 (musl-gcc on an x86_64 machine)
//   node scripts/build.mjs arm64   [--out FILE]  static aarch64 (aarch64-linux-gnu-gcc, static glibc)
//   node scripts/build.mjs debug   [--out FILE]  dynamic, -g -O0: for valgrind
//   node scripts/build.mjs eintr   [--out FILE]  static, every interruptible call fails once with EINTR
//
// Without --out the binary goes to build/<target>/lameduck-init. Exits non-zero with one line on
// stderr when no compiler for the target is found or the compiler fails.
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { arch } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageDir = fileURLToPath(new URL('..', import.meta.url));
const srcDir = join(packageDir, 'src');

/** The package's version, printed by --version as `lameduck --version` prints the CLI's. */
const VERSION = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;
const COMMON = [
  '-std=c11',
  '-D_GNU_SOURCE',
  '-Wall',
  '-Wextra',
  '-Wshadow',
  `-DLAMEDUCK_VERSION="${VERSION}"`,
];
const RELEASE = [
  '-O2',
  '-static',
  '-s',
  '-ffunction-sections',
  '-fdata-sections',
  '-Wl,--gc-sections',
];

/** The compilers to try for a target, best first: [command, extra flags]. */
function candidates(target) {
  const machine = arch();
  const native = machine === 'x64' ? 'x64' : machine === 'arm64' ? 'arm64' : machine;
  switch (target) {
    case 'host':
      return [
        ['musl-gcc', RELEASE],
        ['cc', RELEASE],
      ];
    case 'x64':
      return native === 'x64'
        ? [
            ['musl-gcc', RELEASE],
            ['cc', RELEASE],
          ]
        : [['x86_64-linux-gnu-gcc', RELEASE]];
    case 'arm64':
      return native === 'arm64'
        ? [
            ['musl-gcc', RELEASE],
            ['cc', RELEASE],
          ]
        : [['aarch64-linux-gnu-gcc', RELEASE]];
    case 'debug':
      return [['cc', ['-g', '-O0']]];
    case 'eintr':
      return [
        ['musl-gcc', [...RELEASE, '-DLAMEDUCK_INJECT_EINTR']],
        ['cc', [...RELEASE, '-DLAMEDUCK_INJECT_EINTR']],
      ];
    default:
      return undefined;
  }
}

/** Whether `command` is an executable file in one of PATH's directories. */
function has(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir || '.', command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Builds `target` into `out`. Returns { ok: true, out, compiler } or { ok: false, reason } (one line).
 * The binary is written next to `out` and renamed into place, so a failed build leaves no half file.
 */
export function build(target, out = join(packageDir, 'build', target, 'lameduck-init')) {
  const list = candidates(target);
  if (!list)
    return { ok: false, reason: `unknown target "${target}" (host, x64, arm64, debug, eintr)` };
  const sources = readdirSync(srcDir)
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => join(srcDir, f));
  const present = list.filter(([command]) => has(command));
  if (present.length === 0) {
    return {
      ok: false,
      reason: `no C compiler for ${target} (${list.map(([c]) => c).join(' or ')})`,
    };
  }
  mkdirSync(dirname(out), { recursive: true });
  const temp = `${out}.${process.pid}.tmp`;
  let reason = '';
  for (const [compiler, flags] of present) {
    const result = spawnSync(compiler, [...COMMON, ...flags, '-o', temp, ...sources, '-lm'], {
      encoding: 'utf8',
    });
    if (result.status === 0) {
      renameSync(temp, out);
      return { ok: true, out, compiler, warnings: result.stderr.trim() };
    }
    rmSync(temp, { force: true });
    const lines = `${result.stderr ?? ''}${result.error?.message ?? ''}`.trim().split('\n');
    reason = `${compiler} failed: ${lines.find((l) => /error/.test(l)) ?? lines.at(-1) ?? ''}`;
  }
  return { ok: false, reason };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [target = 'host', ...rest] = process.argv.slice(2);
  const outIndex = rest.indexOf('--out');
  const result = build(target, outIndex === -1 ? undefined : rest[outIndex + 1]);
  if (!result.ok) {
    console.error(`lameduck-init: build ${target}: ${result.reason}`);
    process.exit(1);
  }
  if (result.warnings) console.error(result.warnings);
  console.error(`lameduck-init: built ${result.out} with ${result.compiler}`);
}
