#!/usr/bin/env node
// Installs the Debian packages listed in scripts/system-packages.txt that are not installed yet.
// Idempotent and quiet when everything is present. As non-root, or without apt-get, it only reports
// what is missing (the tests that need those packages skip and say so) and exits 0.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const listFile = fileURLToPath(new URL('system-packages.txt', import.meta.url));
const wanted = readFileSync(listFile, 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter(Boolean)
  .map((line) => {
    const [pkg, command] = line.split(/\s+/);
    return { pkg, command: command ?? pkg };
  });

// A package that installs no command (a library) is named by an absolute path of a file it installs.
const has = (command) =>
  command.startsWith('/')
    ? existsSync(command)
    : spawnSync('sh', ['-c', `command -v "${command}" || test -x "/usr/sbin/${command}"`], {
        stdio: 'ignore',
      }).status === 0;

const missing = wanted.filter(({ command }) => !has(command));
if (missing.length === 0) process.exit(0);

const names = [...new Set(missing.map((m) => m.pkg))];
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !has('apt-get')) {
  console.warn(
    `system-deps: missing ${names.join(', ')}; run as root with apt-get to install them (tests that need them will skip).`,
  );
  process.exit(0);
}

const apt = (args) =>
  execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });

console.warn(`system-deps: installing ${names.join(', ')}`);
try {
  apt(['install', '-y', '--no-install-recommends', ...names]);
} catch {
  apt(['update', '-q']);
  apt(['install', '-y', '--no-install-recommends', ...names]);
}
