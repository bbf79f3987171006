#!/usr/bin/env node
// The package's preinstall script (it runs before npm links bins, so node_modules/.bin/lameduck-init
// finds its target): puts the binary for this machine at bin/lameduck-init.
//
//   1. The published package ships prebuilt/linux-<arch>/lameduck-init (made by `npm pack`, see
//      scripts/prebuild.mjs): copied, no compiler needed.
//   2. Otherwise (a git checkout) it is compiled from src/ with musl-gcc or cc -static.
//
// It never fails the install: without a binary it says why in one line and `lameduck run` (Node)
// remains. LAMEDUCK_SKIP_NATIVE=1 skips it, as for the CLI's native reaper.
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { build, packageDir } from './build.mjs';

const notice = (why) =>
  console.warn(`@lameduck/init: lameduck-init was not installed (${why}); see docs/run.md.`);

function install() {
  if (process.env.LAMEDUCK_SKIP_NATIVE === '1') return;
  if (platform() !== 'linux') return notice(`it is a Linux program; this is ${platform()}`);
  const target = join(packageDir, 'bin', 'lameduck-init');
  mkdirSync(join(packageDir, 'bin'), { recursive: true });
  const prebuilt = join(packageDir, 'prebuilt', `linux-${arch()}`, 'lameduck-init');
  if (existsSync(prebuilt)) {
    const temp = `${target}.${process.pid}.tmp`;
    copyFileSync(prebuilt, temp);
    chmodSync(temp, 0o755);
    renameSync(temp, target);
    return;
  }
  const result = build('host', target);
  if (!result.ok) notice(`no prebuilt binary for linux-${arch()} and ${result.reason}`);
}

try {
  install();
} catch (error) {
  notice(error instanceof Error ? error.message : String(error));
}
