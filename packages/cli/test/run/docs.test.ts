import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertDocumentedDefaults } from '../../../../test/support/docs.ts';
import { commandUsage } from '../../src/args/usage.ts';
import command from '../../src/run/command.ts';

test('docs/run.md documents every option of lameduck run with its default', () => {
  assertDocumentedDefaults(command, new URL('../../../../docs/run.md', import.meta.url));
});

test('lameduck run --help is generated from the spec', () => {
  const help = commandUsage(command);
  assert.match(help, /Usage: lameduck run \[options\] \[-- <command> \[args\.\.\.\]\]/);
  for (const flag of ['--grace <duration>', '--drain-delay <duration>', '--remap-exit <from:to>']) {
    assert.ok(help.includes(flag), flag);
  }
  assert.match(help, /\(default: 25s\)/);
});
