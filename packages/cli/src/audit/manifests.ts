import { constructFromEvents, EVENT_ID, type Event, parseEvents } from 'js-yaml';
import { type Document, parseDocument, visit } from 'yaml';
import { type Chunk, LineIndex, splitDocuments } from './line-index.js';
import { buildTree, child, type SyntaxNode } from './syntax-tree.js';
import type { InputError, K8sObject, Position, Source, Syntax } from './types.js';

export interface ParsedManifests {
  readonly objects: K8sObject[];
  readonly errors: InputError[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const YAML_OPTIONS = { uniqueKeys: false, prettyErrors: false } as const;

/**
 * Parses a YAML (or JSON) stream. Every document, and every item of a `kind: List`, becomes one
 * object. js-yaml's event stream gives both the values and the source offsets (for positions and
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
      value = constructFromEvents(events, { source: chunk.text, json: true })[0];
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
    values = constructFromEvents(events, { source: source.text, json: true });
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

/** The first error the `yaml` parser finds in a document, located in the whole stream. */
function exactError(source: Source, chunk: Chunk, lines: LineIndex): InputError | undefined {
  const doc = parseDocument(chunk.text, YAML_OPTIONS);
  const at = (offset: number): Position => lines.position(chunk.start + offset);
  const [error] = doc.errors;
  if (error)
    return { file: source.file, position: at(error.pos[0]), message: firstLine(error.message) };
  try {
    doc.toJS({ maxAliasCount: 1000 });
    return undefined;
  } catch (thrown) {
    // An alias before its anchor, or an alias bomb.
    const offset = badAliasOffset(doc) ?? doc.contents?.range?.[0] ?? 0;
    return {
      file: source.file,
      position: at(offset),
      message: firstLine(thrown instanceof Error ? thrown.message : String(thrown)),
    };
  }
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

/** Where the first alias that does not resolve to an anchor is. */
function badAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, alias) {
      if (alias.resolve(doc) === undefined) {
        offset = alias.range?.[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** Follows `path` as far as it exists: the deepest node, the key it was reached by, and how far it got. */
export function walk(
  root: SyntaxNode,
  path: readonly (string | number)[],
): { node: SyntaxNode; keyNode: SyntaxNode | undefined; depth: number } {
  let node = root;
  let keyNode: SyntaxNode | undefined;
  let depth = 0;
  for (const key of path) {
    const next = child(node, key);
    if (!next) break;
    node = next.node;
    keyNode = next.keyNode;
    depth++;
  }
  return { node, keyNode, depth };
}

/** Where `path` (or the deepest part of it that exists) starts: the key of a mapping entry, else the node. */
export function locate(object: K8sObject, path: readonly (string | number)[]): Position {
  const { node: root, base, lines } = object.syntax();
  const { node, keyNode } = walk(root, path);
  const offset = keyNode && keyNode.start >= 0 ? keyNode.start : node.start;
  return lines.position(base + Math.max(0, offset));
}
