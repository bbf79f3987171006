// docs/run.md covers lameduck-init: every flag that `lameduck-init --help` lists is documented there
// with the default that `lameduck run` uses, and the two programs list the same options with the same
// text (so the defaults are the same too). The example Dockerfiles are quoted verbatim in the page.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readDocumentedRows } from '../../../test/support/docs.ts';
import { flagName, formatDefault } from '../../cli/src/args/spec.ts';
import { commandUsage } from '../../cli/src/args/usage.ts';
import runCommand from '../../cli/src/run/command.ts';
import { lameduckInit } from '../../cli/test/run/fixtures/programs.ts';
import { formatDuration } from '../../lameduck/src/duration.ts';

const page = new URL('../../../docs/run.md', import.meta.url);

function help(): string {
  const [command = '', ...rest] = lameduckInit.argv;
  const result = spawnSync(command, [...rest, '--help'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

/** The lines from `Arguments:` up to `Examples:`. */
const optionsSection = (text: string) =>
  text.slice(text.indexOf('Arguments:'), text.indexOf('Examples:'));

test('lameduck-init --help lists the options of lameduck run, word for word', {
  skip: lameduckInit.unavailable ?? false,
}, () => {
  assert.equal(optionsSection(help()), optionsSection(commandUsage(runCommand)));
});

test('docs/run.md documents every flag of lameduck-init with its default', {
  skip: lameduckInit.unavailable ?? false,
}, () => {
  // --version is the program's own, as --help is (every lameduck command takes both).
  const flags = [...help().matchAll(/^ {6}--([\w-]+)/gm)]
    .map((m) => m[1] as string)
    .filter((flag) => flag !== 'version');
  assert.ok(flags.length >= 8, flags.join(' '));
  const documented = new Map(readDocumentedRows(page).map((row) => [row.name, row.default]));
  const specs = new Map(Object.entries(runCommand.options).map(([k, o]) => [flagName(k), o]));
  for (const flag of flags) {
    const spec = specs.get(flag);
    assert.ok(spec, `--${flag} of lameduck-init is not an option of lameduck run`);
    assert.ok(documented.has(flag), `--${flag} of lameduck-init is not documented in docs/run.md`);
    assert.equal(documented.get(flag), formatDefault(spec, formatDuration), `default of --${flag}`);
  }
});

test('the example Dockerfiles are quoted verbatim in docs/run.md', () => {
  const text = readFileSync(page, 'utf8');
  for (const name of ['java', 'python', 'distroless']) {
    const dockerfile = readFileSync(
      new URL(`../../../examples/${name}/Dockerfile`, import.meta.url),
      'utf8',
    );
    assert.ok(
      text.includes(`\`\`\`dockerfile\n${dockerfile}\`\`\``),
      `examples/${name}/Dockerfile`,
    );
  }
});
