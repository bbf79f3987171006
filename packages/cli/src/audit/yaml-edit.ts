// Text edits on the original YAML, so that `--fix` changes only what it fixes: every byte outside an
// edit (comments, key order, quoting, indentation) stays as it was.
import { isMap, isScalar, Scalar, type Node as YamlNode } from 'yaml';
import { nodeAt } from './manifests.js';
import type { Edit, K8sObject } from './types.js';
import type { Path } from './workload.js';

/** A block of YAML lines to insert, relative to the map's indentation. */
export type Lines = readonly string[];

function exactNode(object: K8sObject, path: Path): YamlNode | undefined {
  const node = nodeAt(object.node, path);
  return path.length === 0 || node !== object.node ? node : undefined;
}

/** Replaces the scalar at `path` with `text` (already formatted as YAML). Undefined if it is not a scalar. */
export function replaceScalar(object: K8sObject, path: Path, text: string): Edit | undefined {
  const node = exactNode(object, path);
  if (!isScalar(node) || !node.range) return undefined;
  // The path must end at this node, not at a parent that happened to exist.
  const parent = path.length > 1 ? nodeAt(object.node, path.slice(0, -1)) : object.node;
  const key = path.at(-1);
  if (!isMap(parent) && typeof key === 'string') return undefined;
  if (isMap(parent) && parent.get(key, true) !== node) return undefined;
  return { start: node.range[0], end: node.range[1], text };
}

/**
 * Replaces the last occurrence of `find` inside the scalar at `path` with `replace`, in the source text.
 * Undefined when `find` is not there verbatim (e.g. hidden behind escapes in a double-quoted string).
 */
export function replaceInScalar(
  object: K8sObject,
  path: Path,
  find: string,
  replace: string,
): Edit | undefined {
  const node = exactNode(object, path);
  if (!isScalar(node) || !node.range || find === '') return undefined;
  const text = object.source.text.slice(node.range[0], node.range[1]);
  const at = text.lastIndexOf(find);
  if (at === -1 || (node.type === Scalar.QUOTE_DOUBLE && text.includes('\\'))) return undefined;
  return { start: node.range[0] + at, end: node.range[0] + at + find.length, text: replace };
}

/**
 * Appends `key: …` lines at the end of the block mapping at `path`, indented like its other keys.
 * Undefined when the mapping is missing, empty, or written in flow style (`{…}`): those are reported,
 * not rewritten.
 */
export function appendToMap(object: K8sObject, path: Path, lines: Lines): Edit | undefined {
  const node = path.length === 0 ? object.node : exactNode(object, path);
  if (!isMap(node) || node.flow || node.items.length === 0 || !node.range) return undefined;
  const text = object.source.text;
  const first = node.items[0]?.key as YamlNode | undefined;
  if (!first?.range) return undefined;
  const lineStart = text.lastIndexOf('\n', first.range[0] - 1) + 1;
  const indent = first.range[0] - lineStart;
  // End of the map's content, then the end of that line (after any trailing comment).
  let end = node.range[1];
  while (end > 0 && /\s/.test(text[end - 1] as string)) end--;
  let eol = text.indexOf('\n', end);
  if (eol === -1) eol = text.length;
  else if (text[eol - 1] === '\r') eol--;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const pad = ' '.repeat(indent);
  return { start: eol, end: eol, text: lines.map((l) => `${newline}${pad}${l}`).join('') };
}

/** Applies edits to a text. Edits must not overlap; they are applied from the end backwards. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const edit of sorted) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}
