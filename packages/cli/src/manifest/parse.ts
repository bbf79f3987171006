import {
  CORE_SCHEMA,
  constructFromEvents,
  EVENT_ID,
  type Event,
  mergeTag,
  parseEvents,
} from 'js-yaml';
import { parseDocument } from 'yaml';
import { isRecord } from '../core/records.js';
import { LineIndex, splitDocuments } from './line-index.js';
import { exactError, YAML_OPTIONS } from './parse-error.js';
import { buildTree, child, type SyntaxNode } from './syntax-tree.js';
import type { InputError, K8sObject, Source, Syntax } from './types.js';

/**
 * YAML 1.2's core schema plus merge keys (`<<: *defaults`), which kubectl's YAML reader (go-yaml)
 * resolves, so a manifest means here what it means to the API server.
 */
const SCHEMA = CORE_SCHEMA.withTags(mergeTag);

export interface ParsedManifests {
  readonly objects: K8sObject[];
  readonly errors: InputError[];
}

/**
 * Parses a YAML (or JSON) stream. Every document, and every item of a `kind: List`, becomes one
 * object; merge keys (`<<`) are resolved. js-yaml's event stream gives both the values and the source offsets (for positions and
 * fixes) in one fast pass; a document it rejects is parsed again by the `yaml` package, whose error
 * (with file:line:column) is reported, and skipped: the rest of the stream is still audited.
 * Documents that are not Kubernetes objects (no `kind`) are ignored.
 */
export function parseManifests(source: Source): ParsedManifests {
  const lines = new LineIndex(source.text);
  const objects: K8sObject[] = [];
  const errors: InputError[] = [];
  if (parseStream(source, lines, objects)) return { objects, errors };
  objects.length = 0;
  for (const chunk of splitDocuments(source.text)) {
    let value: unknown;
    let events: Event[] | undefined;
    try {
      events = parseEvents(chunk.text, {});
      value = constructFromEvents(events, { source: chunk.text, json: true, schema: SCHEMA })[0];
    } catch {
      const error = exactError(source, chunk, lines);
      if (error) {
        errors.push(error);
        continue;
      }
      // js-yaml is stricter than the YAML 1.2 parser on a few inputs: trust the latter, without offsets.
      events = undefined;
      value = parseDocument(chunk.text, YAML_OPTIONS).toJS({ maxAliasCount: 1000 });
    }
    const docEvents = events;
    collect(
      source,
      value,
      lazyTree(chunk.text, () => docEvents),
      lines,
      chunk.start,
      [],
      objects,
    );
  }
  return { objects, errors };
}

/**
 * The fast path: the whole stream in one js-yaml pass. False when any document has an error (the
 * caller then goes document by document, so that one bad document does not hide the others).
 */
function parseStream(source: Source, lines: LineIndex, objects: K8sObject[]): boolean {
  let events: Event[];
  let values: unknown[];
  try {
    events = parseEvents(source.text, {});
    values = constructFromEvents(events, { source: source.text, json: true, schema: SCHEMA });
  } catch {
    return false;
  }
  const starts: number[] = [];
  events.forEach((event, i) => {
    if (event.type === EVENT_ID.DOCUMENT) starts.push(i);
  });
  if (starts.length !== values.length) return false;
  starts.forEach((start, k) => {
    const end = starts[k + 1] ?? events.length;
    collect(
      source,
      values[k],
      lazyTree(source.text, () => events.slice(start, end)),
      lines,
      0,
      [],
      objects,
    );
  });
  return true;
}

function lazyTree(text: string, events: () => Event[] | undefined): () => SyntaxNode | undefined {
  let tree: SyntaxNode | undefined;
  let built = false;
  return () => {
    if (!built) {
      const list = events();
      tree = list ? buildTree(text, list) : undefined;
      built = true;
    }
    return tree;
  };
}

const EMPTY: SyntaxNode = { kind: 'map', start: 0, end: 0, flow: true, entries: [] };

function collect(
  source: Source,
  value: unknown,
  tree: () => SyntaxNode | undefined,
  lines: LineIndex,
  base: number,
  itemPath: readonly number[],
  out: K8sObject[],
): void {
  if (!isRecord(value) || typeof value.kind !== 'string') return;
  if (/^\w*List$/.test(value.kind) && Array.isArray(value.items)) {
    value.items.forEach((item, i) => {
      collect(source, item, tree, lines, base, [...itemPath, i], out);
    });
    return;
  }
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  let cached: Syntax | undefined;
  out.push({
    source,
    kind: value.kind,
    apiVersion: typeof value.apiVersion === 'string' ? value.apiVersion : '',
    name: typeof metadata.name === 'string' ? metadata.name : '(unnamed)',
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
    value,
    syntax() {
      if (cached) return cached;
      let node = tree() ?? EMPTY;
      for (const i of itemPath) node = child(child(node, 'items')?.node ?? EMPTY, i)?.node ?? EMPTY;
      cached = { node, base, lines };
      return cached;
    },
  });
}
