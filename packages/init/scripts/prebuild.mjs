#!/usr/bin/env node
// The package's prepack script: before `npm pack` / `npm publish`, builds the static binaries that
// ship inside the package, prebuilt/linux-x64/lameduck-init and prebuilt/linux-arm64/lameduck-init,
// so that `npm install` needs no compiler. Fails (and so stops the publish) when either cannot be
// built: a package must not ship without one of them. The binaries are never committed to git.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build, packageDir } from './build.mjs';

// npm packs a bin target whatever `files` says: the binary installed for this machine must not ship
// (it would be an x64 binary on an arm64 machine). postpack puts it back (scripts/install.mjs).
rmSync(join(packageDir, 'bin'), { recursive: true, force: true });

let failed = false;
for (const target of ['x64', 'arm64']) {
  const out = join(packageDir, 'prebuilt', `linux-${target}`, 'lameduck-init');
  const result = build(target, out);
  if (result.ok) {
    console.error(`@lameduck/init: prebuilt ${out} with ${result.compiler}`);
  } else {
    console.error(`@lameduck/init: cannot prebuild linux-${target}: ${result.reason}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
