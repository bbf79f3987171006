import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineIndex, markers, splitDocuments } from '../../src/manifest/line-index.ts';

test('LineIndex maps offsets to 1-based line and column', () => {
  const index = new LineIndex('ab\ncd\n\nef');
  assert.deepEqual(index.position(0), { line: 1, column: 1 });
  assert.deepEqual(index.position(4), { line: 2, column: 2 });
  assert.deepEqual(index.position(6), { line: 3, column: 1 });
  assert.deepEqual(index.position(8), { line: 4, column: 2 });
});

test('LineIndex.line gives each line as split would, and the empty string past the end', () => {
  for (const text of [
    'ab\ncd\n\nef',
    'a\r\nb\r\n',
    '',
    '\n',
    'x'.repeat(5000).replaceAll('x', 'x\n'),
  ]) {
    const index = new LineIndex(text);
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      assert.equal(index.line(i + 1), line);
    });
    assert.equal(index.line(lines.length + 1), '');
    assert.equal(index.line(0), '');
  }
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

test('markers finds what the regular expression /^(?:---|\\.\\.\\.)(?=[ \\t\\r\\n]|$)/gm finds', () => {
  let seed = 20261130;
  const int = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const tokens = [
    '---',
    '...',
    '--',
    '.',
    '-',
    '\n',
    '\r',
    '\u2028',
    '\u2029',
    ' ',
    '\t',
    'a',
    '#',
  ];
  let found = 0;
  for (let run = 0; run < 5000; run++) {
    let text = '';
    for (let k = int(30); k > 0; k--) text += tokens[int(tokens.length)];
    const expected = [...text.matchAll(/^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm)].map((m) => m.index);
    const got = [...markers(text)];
    assert.deepEqual(got, expected, JSON.stringify(text));
    found += got.length;
  }
  assert.ok(found > 1000);
});
