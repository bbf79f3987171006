#!/usr/bin/env node
// The package's postpack script: the tarball is made. Puts this machine's binary back at
// bin/lameduck-init (prepack removed it so that it would not ship) and removes prebuilt/, so a later
// install in this checkout compiles the current sources instead of copying binaries from the pack.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from './build.mjs';

rmSync(join(packageDir, 'prebuilt'), { recursive: true, force: true });
await import('./install.mjs');
