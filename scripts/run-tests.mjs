#!/usr/bin/env node
// Runs every *.test.ts in the repository with Node's own test runner (TypeScript through tsx),
// prints the spec report, and closes with the plain line `N passed, N failed[, N skipped]`.
//
//   node scripts/run-tests.mjs                 all tests
//   node scripts/run-tests.mjs load audit      only test files whose path contains one of the words
//
// LAMEDUCK_TEST_CONCURRENCY (default 3) sets how many test files run at once: most of them wait on
// real processes, timers and sockets, so one more than the 2 cores keeps both busy.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const roots = ['packages', 'test', 'bench', 'examples'];
const skipDirs = new Set(['node_modules', 'dist', '.work', '.git']);

function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (skipDirs.has(name)) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) collect(full, out);
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = roots
  .flatMap((r) => collect(join(root, r), []))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

if (files.length === 0) {
  console.error(`run-tests: no test files match ${filters.join(' ') || '(all)'}`);
  process.exit(1);
}

const tapDir = mkdtempSync(join(tmpdir(), 'lameduck-tests-'));
const tapFile = join(tapDir, 'report.tap');
const concurrency = process.env.LAMEDUCK_TEST_CONCURRENCY ?? '3';
const args = [
  '--import',
  'tsx',
  '--test',
  `--test-concurrency=${concurrency}`,
  '--test-timeout=180000',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${tapFile}`,
  ...files.map((f) => f.split(sep).join('/')),
];

const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
const forward = (sig) => child.kill(sig);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => {
  let summary = '';
  try {
    summary = readFileSync(tapFile, 'utf8');
  } catch {}
  rmSync(tapDir, { recursive: true, force: true });
  const count = (key) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(summary)?.[1] ?? 0);
  const passed = count('pass');
  const failed = count('fail') + count('cancelled');
  const skipped = count('skipped') + count('todo');
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  if (signal) {
    console.error(`run-tests: the test runner was killed by ${signal} before it finished`);
    process.kill(process.pid, signal);
  }
  process.exit(code ?? 1);
});
