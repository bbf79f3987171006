import {
  type Document,
  isMap,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
  type Node as YamlNode,
} from 'yaml';
import type { InputError, K8sObject, Position, Source } from './types.js';

export interface ParsedManifests {
  readonly objects: K8sObject[];
  readonly errors: InputError[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** 1-based line and column of an offset. */
export function positionOf(lines: LineCounter, offset: number): Position {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

/**
 * Parses a YAML (or JSON) stream: every document, and every item of a `kind: List`, becomes one
 * object. A document with a syntax error is reported with its file:line:column and skipped; the rest
 * of the stream is still audited. Documents that are not Kubernetes objects (no `kind`) are ignored.
 */
export function parseManifests(source: Source): ParsedManifests {
  const lines = new LineCounter();
  const objects: K8sObject[] = [];
  const errors: InputError[] = [];
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(source.text, {
      lineCounter: lines,
      prettyErrors: false,
      uniqueKeys: false,
    });
  } catch (error) {
    errors.push({ file: source.file, position: { line: 1, column: 1 }, message: String(error) });
    return { objects, errors };
  }
  for (const doc of Array.isArray(docs) ? docs : []) {
    if (doc.errors.length > 0) {
      for (const error of doc.errors.slice(0, 1)) {
        errors.push({
          file: source.file,
          position: positionOf(lines, error.pos[0]),
          message: firstLine(error.message),
        });
      }
      continue;
    }
    try {
      collect(source, doc, lines, doc.contents, objects);
    } catch (error) {
      // Resolving aliases can still fail (an alias before its anchor, an alias bomb).
      errors.push({
        file: source.file,
        position: positionOf(lines, badAliasOffset(doc) ?? doc.contents?.range?.[0] ?? 0),
        message: firstLine(error instanceof Error ? error.message : String(error)),
      });
    }
  }
  return { objects, errors };
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

function collect(
  source: Source,
  doc: Document,
  lines: LineCounter,
  node: YamlNode | null,
  out: K8sObject[],
): void {
  if (!isMap(node)) return;
  const value = node.toJS(doc, { maxAliasCount: 1000 }) as unknown;
  if (!isRecord(value) || typeof value.kind !== 'string') return;
  if (/^\w*List$/.test(value.kind) && Array.isArray(value.items)) {
    const items = node.get('items', true);
    if (isSeq(items))
      for (const item of items.items) collect(source, doc, lines, item as YamlNode, out);
    return;
  }
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  out.push({
    source,
    doc,
    lines,
    node,
    kind: value.kind,
    apiVersion: typeof value.apiVersion === 'string' ? value.apiVersion : '',
    name: typeof metadata.name === 'string' ? metadata.name : '(unnamed)',
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
    value,
  });
}

/** The node at `path` under `root`, or the deepest node that exists on the way. */
export function nodeAt(root: YamlNode, path: readonly (string | number)[]): YamlNode {
  let node: YamlNode = root;
  for (const key of path) {
    let next: unknown;
    if (isMap(node)) next = node.get(key, true);
    else if (isSeq(node) && typeof key === 'number') next = node.get(key, true);
    if (!next || typeof next !== 'object' || !('range' in next)) return node;
    node = next as YamlNode;
  }
  return node;
}

/** Where `path` (or the deepest part of it that exists) starts in the source. */
export function locate(object: K8sObject, path: readonly (string | number)[]): Position {
  const node = nodeAt(object.node, path);
  return positionOf(object.lines, node.range?.[0] ?? 0);
}
