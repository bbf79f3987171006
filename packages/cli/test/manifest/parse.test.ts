import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseManifests } from '../../src/manifest/parse.ts';
import type { Source } from '../../src/manifest/types.ts';

const yamlSource = (text: string): Source => ({ file: 'test.yaml', text, type: 'yaml' });

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
