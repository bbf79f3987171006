// The manifest model's additions: merge keys, Helm # Source: comments, the document cache, and values
// not held for kinds nobody reads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { helmSourceOf } from '../../src/manifest/helm-source.ts';
import { DocumentCache, parseManifests } from '../../src/manifest/parse.ts';

const source = (text: string) => ({ file: 'x.yaml', text, type: 'yaml' as const });

test('merge keys (<<: *anchor, and lists of them) are resolved; explicit keys win', () => {
  const { objects, errors } = parseManifests(
    source(
      'kind: ConfigMap\nmetadata: {name: a}\ndata:\n  base: &b {x: "1", y: "2"}\n  merged:\n    <<: [*b]\n    y: "3"\n',
    ),
  );
  assert.deepEqual(errors, []);
  const data = objects[0]?.value.data as Record<string, unknown> | undefined;
  assert.deepEqual(data?.merged, { x: '1', y: '3' });
});

test('helm template # Source: comments name the chart template of each document', () => {
  const text = `---\n# Source: web/templates/service.yaml\nkind: Service\nmetadata: {name: web}\n---\nkind: ConfigMap\nmetadata: {name: plain}\n---\n# Source: web/templates/deployment.yaml\nkind: Deployment\nmetadata: {name: web}\n`;
  const { objects } = parseManifests(source(text));
  assert.deepEqual(objects.map(helmSourceOf), [
    'web/templates/service.yaml',
    undefined,
    'web/templates/deployment.yaml',
  ]);
});

test('a cache parses a document once; positions follow the document where it now is', () => {
  const cache = new DocumentCache();
  const doc = 'kind: Service\nmetadata: {name: web}\n';
  const first = parseManifests(source(`---\n${doc}`), cache);
  const moved = parseManifests(source(`# a comment\n# another\n---\n${doc}`), cache);
  assert.equal(
    first.objects[0]?.value,
    moved.objects[0]?.value,
    'the same value, not parsed again',
  );
  const at = (o: (typeof moved.objects)[number]) => {
    const { node, base, lines } = o.syntax();
    return lines.position(base + node.start);
  };
  assert.deepEqual(at(moved.objects[0] as (typeof moved.objects)[number]), { line: 4, column: 1 });
});

test('values of kinds not kept are parsed again when read, and equal what was parsed', () => {
  const text =
    'kind: Secret\nmetadata: {name: s}\ndata: {a: YQ==}\n---\nkind: Service\nmetadata: {name: web}\n';
  const all = parseManifests(source(text));
  const kept = parseManifests(source(text), { keep: (kind) => kind === 'Service' });
  assert.deepEqual(
    kept.objects.map((o) => [o.kind, o.name]),
    all.objects.map((o) => [o.kind, o.name]),
  );
  assert.deepEqual(kept.objects[0]?.value, all.objects[0]?.value);
});
