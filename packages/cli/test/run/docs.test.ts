import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { assertDocumentedDefaults } from '../../../../test/support/docs.ts';
import { commandUsage } from '../../src/args/usage.ts';
import command from '../../src/run/command.ts';

const CODE = /ERR_LAMEDUCK_RUN_[A-Z_]+/g;

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

test('docs/run.md names every ERR_LAMEDUCK_RUN_* code the run folder throws, and no other', () => {
  const folder = new URL('../../src/run/', import.meta.url);
  const thrown = new Set<string>();
  for (const name of readdirSync(folder)) {
    for (const match of readFileSync(new URL(name, folder), 'utf8').matchAll(CODE)) {
      thrown.add(match[0]);
    }
  }
  const page = readFileSync(new URL('../../../../docs/run.md', import.meta.url), 'utf8');
  const documented = new Set([...page.matchAll(CODE)].map((m) => m[0]));
  assert.ok(thrown.size >= 5, `found ${[...thrown].join(', ')}`);
  assert.deepEqual([...documented].sort(), [...thrown].sort());
  assert.doesNotMatch(page, /`E_[A-Z_]+`/, 'no code of the old E_* scheme is left');
});
