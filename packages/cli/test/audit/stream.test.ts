import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitCommands } from '../../src/audit/shell.ts';
import { LineIndex, splitDocuments } from '../../src/manifest/line-index.ts';
import { parseManifests } from '../../src/manifest/parse.ts';
import { yamlSource } from './helpers.ts';

test('LineIndex maps offsets to 1-based line and column', () => {
  const index = new LineIndex('ab\ncd\n\nef');
  assert.deepEqual(index.position(0), { line: 1, column: 1 });
  assert.deepEqual(index.position(4), { line: 2, column: 2 });
  assert.deepEqual(index.position(6), { line: 3, column: 1 });
  assert.deepEqual(index.position(8), { line: 4, column: 2 });
});

test('splitDocuments splits at --- and ..., keeps directives with their document, drops empty ones', () => {
  const text =
    'a: 1\n---\nb: 2\n...\n%YAML 1.2\n---\nc: 3\n--- # only a comment\n---\nd: |\n  ---not a marker\n';
  const chunks = splitDocuments(text);
  assert.deepEqual(
    chunks.map((c) => c.text),
    ['a: 1\n', '---\nb: 2\n', '%YAML 1.2\n---\nc: 3\n', '---\nd: |\n  ---not a marker\n'],
  );
  for (const c of chunks) assert.equal(text.slice(c.start, c.start + c.text.length), c.text);
});

test('one broken document does not hide the others, and positions stay exact on the slow path', () => {
  const text =
    'kind: A\nmetadata: {name: a}\n---\nkind: B\nmetadata: {name: [b\n---\nkind: C\nmetadata:\n  name: c\n';
  const parsed = parseManifests(yamlSource(text));
  assert.deepEqual(
    parsed.objects.map((o) => o.name),
    ['a', 'c'],
  );
  assert.equal(parsed.errors.length, 1);
  assert.ok((parsed.errors[0]?.position.line ?? 0) >= 5);
  const c = parsed.objects[1];
  assert.ok(c);
  const { node, base, lines } = c.syntax();
  assert.deepEqual(lines.position(base + node.start), { line: 7, column: 1 });
});

test('the fast path and the document-by-document path agree on values and positions', () => {
  const text =
    'kind: A\nmetadata:\n  name: a # c\n---\nkind: List\nitems:\n  - kind: B\n    metadata: {name: b}\n';
  const fast = parseManifests(yamlSource(text));
  const slow = parseManifests(yamlSource(`${text}---\n[broken\n`));
  assert.deepEqual(
    slow.objects.map((o) => [
      o.name,
      o.syntax().lines.position(o.syntax().base + o.syntax().node.start),
    ]),
    fast.objects.map((o) => [
      o.name,
      o.syntax().lines.position(o.syntax().base + o.syntax().node.start),
    ]),
  );
  assert.deepEqual(
    fast.objects.map((o) => o.kind),
    ['A', 'B'],
  );
});

test('splitCommands respects quotes and escapes', () => {
  assert.deepEqual(
    splitCommands('echo "a; b" && printf \'x|y\'; node "s\\"x.js"').map((c) => c.text),
    ['echo "a; b"', "printf 'x|y'", 'node "s\\"x.js"'],
  );
});
