// The dispatcher in-process (bin.test.ts covers the process edge): --version and --help after any
// subcommand, "did you mean", the docs address in every help.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import { docsUrl, REPOSITORY_URL } from '../src/args/usage.ts';
import { commandNames } from '../src/commands.ts';
import { main } from '../src/main.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(String(chunk));
        done();
      },
    });
  const code = await main({
    argv,
    io: {
      stdout: sink((t) => {
        stdout += t;
      }),
      stderr: sink((t) => {
        stderr += t;
      }),
      stdin: new PassThrough(),
      env: {},
      cwd: process.cwd(),
    },
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

test('--version and --help work after any subcommand', async () => {
  for (const name of commandNames) {
    const version = await run([name, '--version']);
    assert.equal(version.code, 0, `${name} --version: ${version.stderr}`);
    assert.equal(version.stdout.trim(), pkg.version);
    const help = await run([name, '--help']);
    assert.equal(help.code, 0, `${name} --help`);
    assert.match(help.stdout, new RegExp(`^Usage: lameduck ${name}`));
    assert.equal((await run(['help', name])).stdout, help.stdout);
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
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    const result = await run([name]);
    assert.equal(result.code, 2, name);
    assert.match(result.stderr, new RegExp(`unknown command "${name}"`));
  }
  const help = await run(['help', 'lob']);
  assert.equal(help.code, 2);
  assert.match(help.stderr, /unknown command "lob" \(did you mean (lab|load)\?\)/);
  const shell = await run(['completion', 'tcsh']);
  assert.equal(shell.code, 2);
  assert.match(shell.stderr, /<shell> expects one of bash, zsh, fish, got "tcsh"/);
});

test("each help links to its command's page in docs/, under the repository package.json names", async () => {
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
