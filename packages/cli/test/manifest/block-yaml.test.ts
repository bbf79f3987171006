// The block reader against js-yaml: every document it reads, it reads exactly as js-yaml does (the
// same value, the same key order, and the same syntax tree as syntax-tree.ts builds from js-yaml's
// events); every document js-yaml rejects, it declines. Checked on every
// document of the real-world and end-to-end corpora, on the shapes tools print, on tricky snippets,
// and on seeded mutations of all of them (a failure names its seed and its input).
import assert from 'node:assert/strict';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { loadAll, parseEvents } from 'js-yaml';
import { seededRandom } from '../../../../test/support/random.ts';
import { readBlockDocument, readBlockTree } from '../../src/manifest/block-yaml.ts';
import { splitDocuments } from '../../src/manifest/line-index.ts';
import { SCHEMA } from '../../src/manifest/schema.ts';
import { buildTree } from '../../src/manifest/syntax-tree.ts';

const OPTIONS = { json: true, schema: SCHEMA, maxTotalMergeKeys: 1_000_000 } as const;

/** js-yaml's value of a one-document text, or undefined when it rejects it. */
function jsYaml(text: string): { value: unknown } | undefined {
  try {
    const values = loadAll(text, OPTIONS);
    return values.length === 1 ? { value: values[0] } : undefined;
  } catch {
    return undefined;
  }
}

/** The same value, and the same key order at every level (reports print keys in order). */
function same(a: unknown, b: unknown): boolean {
  if (!isDeepStrictEqual(a, b)) return false;
  if (a === null || typeof a !== 'object') return true;
  const ka = Object.keys(a);
  const kb = Object.keys(b as object);
  return (
    ka.join('\0') === kb.join('\0') &&
    ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/**
 * Fails unless the reader declines `text` (for values and trees alike) or reads exactly what js-yaml
 * reads.
 */
function check(text: string, label: string): boolean {
  const read = readBlockDocument(text);
  const tree = readBlockTree(text);
  assert.equal(tree === undefined, read === undefined, `${label}: read one way only:\n${text}`);
  if (!read) return false;
  const expected = jsYaml(text);
  assert.ok(expected, `${label}: read, but js-yaml rejects it:\n${text}`);
  assert.ok(
    same(read.value, expected.value),
    `${label}: read as ${JSON.stringify(read.value)}, js-yaml reads ${JSON.stringify(expected.value)}:\n${text}`,
  );
  assert.deepStrictEqual(
    tree,
    buildTree(text, parseEvents(text, {})),
    `${label}: syntax tree:\n${text}`,
  );
  return true;
}

const testDir = fileURLToPath(new URL('..', import.meta.url));
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    // lstat: a clone of a public repository may hold dangling or looping links; they are skipped.
    const stat = lstatSync(path);
    return stat.isDirectory() ? files(path) : stat.isFile() && /\.ya?ml$/.test(name) ? [path] : [];
  });
}
const CORPUS = [
  ...files(join(testDir, 'audit/real-world')),
  ...files(join(testDir, 'audit/corpus')),
  fileURLToPath(new URL('../../../../examples/kubernetes/deployment.yaml', import.meta.url)),
].flatMap((file) =>
  splitDocuments(readFileSync(file, 'utf8')).map((chunk) => ({ file, text: chunk.text })),
);

// What `helm template` prints for a chart made by `helm create` (helm/helm,
// pkg/chart/v2/util/create.go), and kubectl's style (sequences at their key's column).
const HELM = `---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: rel-web
  labels:
    helm.sh/chart: web-0.1.0
    app.kubernetes.io/name: web
    app.kubernetes.io/version: "1.16.0"
  annotations:
    "helm.sh/hook": test
spec:
  replicas: 1
  template:
    spec:
      securityContext:
        {}
      containers:
        - name: web
          image: "nginx:1.16.0"
          command: ['wget']
          args: ["--spider", 'rel-web:80']
          ports:
            - name: http
              containerPort: 80
              protocol: TCP
          resources: {limits: {}, requests: {cpu: 100m}}
`;
const KUBECTL = `apiVersion: v1
kind: ConfigMap
metadata:
  name: conf # a comment
data:
  nginx.conf: |
    server {
      listen 80;

      # a comment inside the text
    }
  script: |-
    #!/bin/sh
    exec node server.js
  ports:
  - 80
  - -1
  - 0x1F
  - .5
  - ~
  - null
  - True
  empty:
  quoted: 'it''s'
  escaped: "a\\"b\\\\c\\n"
# the end
`;

test('every document of the corpora is read exactly as js-yaml reads it, or declined', () => {
  let read = 0;
  for (const { file, text } of CORPUS) if (check(text, file)) read++;
  // Rendered manifests are what the reader is for: it must read most of them.
  assert.ok(read >= CORPUS.length * 0.75, `read ${read} of ${CORPUS.length} documents`);
});

// Folders of YAML nobody here wrote (clones of public repositories), given by the environment:
// LAMEDUCK_YAML_CORPUS=/path/a:/path/b npm run test:only -- block-yaml. docs/audit-corpus.md lists
// the repositories and commits it was last run on, and what it found.
const external = (process.env.LAMEDUCK_YAML_CORPUS ?? '').split(':').filter(Boolean);
test('every document of the external corpus (LAMEDUCK_YAML_CORPUS) is read exactly as js-yaml reads it, or declined', {
  skip: external.length ? false : 'LAMEDUCK_YAML_CORPUS is not set',
}, (t) => {
  let documents = 0;
  let read = 0;
  for (const dir of external) {
    for (const file of files(dir)) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      for (const chunk of splitDocuments(text)) {
        documents++;
        if (check(chunk.text, `${file}:${chunk.start}`)) read++;
      }
    }
  }
  t.diagnostic(`${read} of ${documents} documents read by the block reader, the rest declined`);
  assert.ok(documents > 0, `no YAML documents under ${external.join(', ')}`);
});

test('helm template and kubectl output are read, and equal js-yaml', () => {
  assert.ok(check(HELM, 'helm'));
  assert.ok(check(KUBECTL, 'kubectl'));
});

test('what the reader leaves to js-yaml is declined, never misread', () => {
  const declined = [
    'a: &x 1\nb: *x\n', // anchors and aliases
    'a: !!str 1\n', // tags
    'base: {x: 1}\nm:\n  <<: {y: 2}\n', // merge keys
    'a: one\n  two\n', // a multi-line plain scalar
    'a: "one\n  two"\n', // a multi-line quoted scalar
    'a: >\n  folded\n', // folded
    'a: |+\n  keep\n\n', // keep chomping
    'a: |2\n   x\n', // an indentation indicator
    'a: |\n\n  x\n', // a leading empty line
    'a:\tb\n', // a tab
    'a: b\r\n', // a carriage return
    'a: é\n', // non-ASCII
    'a: b: c\n', // an error
    'a: 1\na: 2\n', // a duplicate key
    '__proto__: {x: 1}\n',
    '80: http\n', // a key that is not a string
    'true: x\n',
    'a: [b,\n  c]\n', // flow over lines
    'a: [b, ]\n',
    '{\n  "a": 1\n}\n', // JSON over lines
    '- - a\n',
    'a: "\\x41"\n', // escapes other than \\ \" \/ \n \t
    'a: b #c\n  d: e\n', // deeper after a value
    '%YAML 1.2\n---\na: b\n',
    '--- a\n',
    '',
    '# only a comment\n',
  ];
  for (const text of declined) {
    assert.equal(readBlockDocument(text), undefined, JSON.stringify(text));
    assert.equal(readBlockTree(text), undefined, JSON.stringify(text));
  }
});

const SEED = Number(process.env.LAMEDUCK_PROPERTY_SEED ?? 20261130);
const TOKENS = [
  ...[':', ': ', '-', '- ', ' ', '  ', '\n', '\n  ', '\t', '[', ']', '{', '}', ',', '#', ' #'],
  ...['&a ', '*a', '!', '|', '|-', '|+', '>', "'", '"', '\\', '\\n', '?', '%', '@', '`', '<<'],
  ...['---', '...', 'x', '0', '1.5', 'true', 'null', '~', '__proto__', '"a"', "'b'", '\r', 'é'],
  ...['- a: b', 'k: v', '\n- ', '\n\n', '  \n', '  |\n    x\n', '[a, "b"]', '{a: 1}', '-1'],
];

test(`seeded mutations are read exactly as js-yaml reads them, or declined (seed ${SEED})`, () => {
  const { int } = seededRandom(SEED);
  const inputs = [HELM, KUBECTL, ...CORPUS.map((c) => c.text)];
  let read = 0;
  for (let run = 0; run < 4000; run++) {
    let text = inputs[int(inputs.length)] as string;
    if (text.length > 4000) {
      const from = int(text.length - 2000);
      text = text.slice(0, 300) + text.slice(text.indexOf('\n', from) + 1, from + 2000);
    }
    for (let m = 1 + int(3); m > 0; m--) {
      const at = int(text.length + 1);
      const lines = text.split('\n');
      const line = int(lines.length);
      switch (int(4)) {
        case 0:
          text = text.slice(0, at) + TOKENS[int(TOKENS.length)] + text.slice(at);
          break;
        case 1:
          text = text.slice(0, at) + text.slice(at + 1 + int(4));
          break;
        case 2:
          lines[line] = int(2) ? ` ${lines[line]}` : (lines[line] ?? '').slice(1);
          text = lines.join('\n');
          break;
        default:
          lines.splice(int(lines.length), 0, lines[line] ?? '');
          text = lines.join('\n');
      }
    }
    if (check(text, `seed ${SEED}, run ${run}`)) read++;
  }
  assert.ok(read > 400, `only ${read} mutations read: the test exercises too little`);
});
