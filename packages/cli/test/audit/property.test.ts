// Property-based tests with a seeded generator (so a failure is reproducible from its seed): random
// and malformed YAML never crash the auditor, and malformed YAML always yields a located parse error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type SeededRandom, seededRandom } from '../../../../test/support/random.ts';
import { audit } from '../../src/audit/audit.ts';
import { fixSources } from '../../src/audit/fix/fix-sources.ts';
import { app, defaults, GOOD_CONTAINER, runCli, yamlSource } from './helpers.ts';

const SEED = Number(process.env.LAMEDUCK_PROPERTY_SEED ?? 20261122);
const RUNS = 400;
const SIGNIFICANT = [
  ':',
  '-',
  ' ',
  '  ',
  '\n',
  '\t',
  '[',
  ']',
  '{',
  '}',
  '#',
  '&a',
  '*a',
  '!',
  '|',
  '>',
  "'",
  '"',
  ',',
  '?',
  '%',
  '@',
  '`',
  '---',
  '...',
  'x',
  '0',
];
// A clean app, a List, and an app with fixable mistakes (no preStop, `sh -c` without exec, a short
// grace period), so that mutations exercise the fixes too.
const DIRTY = app(
  GOOD_CONTAINER.replace(/lifecycle:[\s\S]*$/, '')
    .replace('command: ["node", "server.js"]', 'command: ["/bin/sh", "-c", "node server.js"]')
    .trimEnd(),
  { pod: 'terminationGracePeriodSeconds: 5' },
).replace(/\bweb\b/g, 'api');
const BASE = `${app(GOOD_CONTAINER)}---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Namespace\n    metadata: {name: default}\n---\n${DIRTY}`;

function mutate(text: string, rng: SeededRandom): string {
  let out = text;
  const edits = 1 + rng.int(6);
  for (let i = 0; i < edits; i++) {
    const at = rng.int(out.length + 1);
    const kind = rng.int(3);
    if (kind === 0) out = out.slice(0, at) + rng.pick(SIGNIFICANT) + out.slice(at);
    else if (kind === 1) out = out.slice(0, at) + out.slice(at + 1 + rng.int(8));
    else out = out.slice(0, at) + rng.pick(SIGNIFICANT) + out.slice(at + 1);
  }
  return out;
}

function assertSane(text: string, seed: number): void {
  const lines = text.split('\n').length;
  let result: ReturnType<typeof audit>;
  try {
    result = audit([yamlSource(text, 'fuzz.yaml')], defaults);
    const { refused } = fixSources([yamlSource(text, 'fuzz.yaml')], defaults);
    assert.deepEqual(refused, [], `seed ${seed}: a fix would have broken the YAML of:\n${text}`);
  } catch (error) {
    assert.fail(`seed ${seed}: the auditor threw ${String(error)} on:\n${text}`);
  }
  for (const e of result.errors) {
    assert.ok(
      e.position.line >= 1 && e.position.line <= lines + 1,
      `seed ${seed}: line ${e.position.line}`,
    );
    assert.ok(e.position.column >= 1, `seed ${seed}: column ${e.position.column}`);
    assert.ok(e.message.length > 0);
  }
  for (const f of result.findings)
    assert.ok(f.position.line >= 1 && f.position.column >= 1, `seed ${seed}`);
}

test(`${RUNS} random mutations of a valid stream never crash audit or fix (seed ${SEED})`, () => {
  for (let i = 0; i < RUNS; i++) {
    const rng = seededRandom(SEED + i);
    assertSane(mutate(BASE, rng), SEED + i);
  }
});

test(`${RUNS} random strings of YAML punctuation never crash the auditor (seed ${SEED})`, () => {
  for (let i = 0; i < RUNS; i++) {
    const rng = seededRandom(SEED * 7 + i);
    const text = Array.from({ length: rng.int(60) }, () => rng.pick(SIGNIFICANT)).join('');
    assertSane(text, SEED * 7 + i);
  }
});

/** Ways to break a document that YAML must reject, each placed at a random line of a valid stream. */
const BREAKERS: readonly ((rng: SeededRandom) => string)[] = [
  (rng) => `key${rng.int(99)}: [unclosed, flow`,
  (rng) => `key${rng.int(99)}: {a: 1, b: 2`,
  (rng) => `key${rng.int(99)}: "unterminated`,
  () => `a: b\n  c: d`,
  () => `- item\nkey: value`,
  () => `key: value\n\tindented: with-tab`,
  () => `anchor: *undefined_alias`,
  () => `? [complex\n: value`,
];

test(`${RUNS} malformed documents always give a parse error with file:line:column (seed ${SEED})`, () => {
  for (let i = 0; i < RUNS; i++) {
    const rng = seededRandom(SEED * 13 + i);
    const broken = rng.pick(BREAKERS)(rng);
    const text = `${app(GOOD_CONTAINER)}---\n${broken}\n`;
    const result = audit([yamlSource(text, 'broken.yaml')], defaults);
    assert.ok(result.errors.length >= 1, `seed ${SEED * 13 + i}: no parse error for:\n${broken}`);
    const [error] = result.errors;
    const first = text.split('\n').indexOf('---') + 1;
    assert.ok(
      (error?.position.line ?? 0) > first,
      `seed ${SEED * 13 + i}: the error points into the broken document`,
    );
    // The valid documents before it are still audited.
    assert.equal(result.objects, 2);
  }
});

test('the CLI reports a malformed stream as -:line:column and exits 2', async () => {
  const run = await runCli(['audit', '-'], {
    stdin: 'apiVersion: v1\nkind: Service\nmetadata: {name: [x\n',
  });
  assert.equal(run.code, 2);
  assert.match(run.stdout, /^-:\d+:\d+: parse error: \S/m);
});
