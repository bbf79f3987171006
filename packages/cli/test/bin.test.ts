import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { docsUrl, REPOSITORY_URL } from '../src/args/usage.ts';
import { commandNames } from '../src/commands.ts';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const run = async (args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

test('lameduck --version prints the package version', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const { code, stdout } = await run(['--version']);
  assert.equal(code, 0);
  assert.equal(stdout.trim(), pkg.version);
});

test('lameduck --help lists the commands and exits 0; no arguments exits 2', async () => {
  const help = await run(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: lameduck <command>/);
  const none = await run([]);
  assert.equal(none.code, 2);
});

test('an unknown command or option is a usage error: exit 2 and a clear message', async () => {
  const unknown = await run(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  const option = await run(['--frob']);
  assert.equal(option.code, 2);
  assert.match(option.stderr, /unknown option --frob/);
});

test('--version and --help work after any subcommand', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  for (const name of commandNames) {
    const version = await run([name, '--version']);
    assert.equal(version.code, 0, `${name} --version: ${version.stderr}`);
    assert.equal(version.stdout.trim(), pkg.version);
    const help = await run([name, '--help']);
    assert.equal(help.code, 0, `${name} --help`);
    assert.match(help.stdout, new RegExp(`^Usage: lameduck ${name}`));
  }
});

test('an unknown subcommand or flag gets a "did you mean"; Object.prototype names are unknown too', async () => {
  const typo = await run(['lod', 'http://127.0.0.1:1/']);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /unknown command "lod" \(did you mean load\?\)/);
  const flag = await run(['run', '--grase', '5s', '--', 'true']);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /unknown option --grase \(did you mean --grace\?\)/);
  assert.match(flag.stderr, /Run 'lameduck run --help' for usage/);
  const root = await run(['--verison']);
  assert.match(root.stderr, /unknown option --verison \(did you mean --version\?\)/);
  for (const name of ['constructor', 'toString', '__proto__']) {
    const result = await run([name]);
    assert.equal(result.code, 2, name);
    assert.match(result.stderr, new RegExp(`unknown command "${name}"`));
  }
  const help = await run(['help', 'lob']);
  assert.equal(help.code, 2);
  assert.match(help.stderr, /unknown command "lob" \(did you mean (lab|load)\?\)/);
});

test("each help links to its command's page in docs/, under the repository package.json names", async () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const repository = String(pkg.repository.url)
    .replace(/^git\+/, '')
    .replace(/\.git$/, '');
  assert.equal(REPOSITORY_URL, repository);
  assert.ok(String(pkg.homepage).startsWith(REPOSITORY_URL));
  for (const name of commandNames) {
    const { stdout } = await run([name, '--help']);
    const url = docsUrl(name);
    assert.ok(stdout.trimEnd().endsWith(`Docs: ${url}`), `${name} --help ends with its docs URL`);
    const page = url.replace(`${REPOSITORY_URL}/blob/main/`, '');
    assert.ok(existsSync(new URL(`../../../${page}`, import.meta.url)), `${page} exists`);
  }
  assert.match((await run(['--help'])).stdout, new RegExp(`Docs: ${REPOSITORY_URL}#readme`));
});
