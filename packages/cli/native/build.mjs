#!/usr/bin/env node
// The package's install script: builds the optional native reaper (native/reaper.c) with node-gyp.
// It never fails the install: without a compiler, Node headers or approval to run install scripts,
// `lameduck run` still works and says what it cannot do (docs/run.md, "Zombies and the native reaper").
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
if (process.platform !== 'linux' || process.env.LAMEDUCK_SKIP_NATIVE === '1') process.exit(0);

// npm puts its bundled node-gyp on PATH for lifecycle scripts and names it in npm_config_node_gyp.
const gyp = process.env.npm_config_node_gyp;
const [command, args] = gyp ? [process.execPath, [gyp, 'rebuild']] : ['node-gyp', ['rebuild']];
const result = spawnSync(command, args, { cwd: packageDir, stdio: ['ignore', 'ignore', 'pipe'] });
if (result.status !== 0) {
  const why =
    result.error?.message ?? result.stderr?.toString().trim().split('\n').slice(-3).join(' ');
  console.warn(
    `@lameduck/cli: the optional native reaper was not built (${why || 'node-gyp failed'}); ` +
      '`lameduck run` works without it but cannot reap orphaned zombies as PID 1 (see docs/run.md).',
  );
}
