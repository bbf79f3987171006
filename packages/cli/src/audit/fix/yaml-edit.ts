// Text edits on the original YAML, so that `--fix` changes only what it fixes: every byte outside an
// edit (comments, key order, quoting, indentation) stays as it was.
import { getScalarValue, type ScalarEvent } from 'js-yaml';
import { walk } from '../../manifest/locate.js';
import type { SyntaxNode } from '../../manifest/syntax-tree.js';
import type { K8sObject } from '../../manifest/types.js';
import type { Path } from '../../manifest/workload.js';
import type { Edit } from '../finding.js';

/** A block of YAML lines to insert, relative to the map's indentation. */
export type Lines = readonly string[];

/** The node at exactly `path` (not a parent that happened to exist), with its document's offset. */
function exactNode(object: K8sObject, path: Path): { node: SyntaxNode; base: number } | undefined {
  const { node: root, base } = object.syntax();
  const found = walk(root, path);
  return found.depth === path.length ? { node: found.node, base } : undefined;
}

/** Replaces the scalar at `path` with `text` (already formatted as YAML). Undefined if it is not a scalar. */
export function replaceScalar(object: K8sObject, path: Path, text: string): Edit | undefined {
  const found = exactNode(object, path);
  if (
    found?.node.kind !== 'scalar' ||
    found.node.valueStart === -1 ||
    found.node.quoted === 'block'
  )
    return undefined;
  return { start: found.base + found.node.start, end: found.base + found.node.end, text };
}

/** Candidate positions tried per splice: more would only mean a pathological scalar. */
const MAX_CANDIDATES = 256;

/**
 * An edit of the scalar at `path` that turns its value `v` into
 * `v.slice(0, offset) + insert + v.slice(offset + remove)`, whatever the scalar's style (plain,
 * quoted, block, folded). Each source position where the edit could go is tried, and the edited
 * scalar decoded exactly as the parser decodes it; the first position that gives exactly the new
 * value wins. Undefined when none does (an escape in the way, say): the fix is then not offered.
 */
export function spliceScalar(
  object: K8sObject,
  path: Path,
  offset: number,
  remove: number,
  insert: string,
): Edit | undefined {
  const found = exactNode(object, path);
  const node = found?.node;
  if (node?.kind !== 'scalar' || node.valueStart === -1 || !node.event || !found) return undefined;
  const start = found.base + node.valueStart;
  const region = object.source.text.slice(start, found.base + node.valueEnd);
  const decode = (text: string) =>
    getScalarValue(text, { ...node.event, valueStart: 0, valueEnd: text.length } as ScalarEvent);
  const value = decode(region);
  if (offset < 0 || offset + remove > value.length) return undefined;
  const expected = value.slice(0, offset) + insert + value.slice(offset + remove);
  const removed = value.slice(offset, offset + remove);
  const anchor = remove > 0 ? removed : value.slice(offset, offset + 1);
  if (anchor === '') return undefined;
  let tried = 0;
  for (let at = region.indexOf(anchor); at !== -1; at = region.indexOf(anchor, at + 1)) {
    if (++tried > MAX_CANDIDATES) break;
    const raw = remove > 0 ? region.slice(at, at + remove) : '';
    if (raw !== removed) continue;
    const patched = region.slice(0, at) + insert + region.slice(at + remove);
    if (decode(patched) === expected)
      return { start: start + at, end: start + at + remove, text: insert };
  }
  return undefined;
}

/**
 * Replaces a whole mapping entry (its key through the end of its value) with `lines`; the first line
 * takes the key's place, the others get the key's indentation. Undefined in flow mappings.
 */
export function replaceEntry(object: K8sObject, path: Path, lines: Lines): Edit | undefined {
  const { node: root, base } = object.syntax();
  const parent = walk(root, path.slice(0, -1));
  const key = path.at(-1);
  if (parent.depth !== path.length - 1 || parent.node.kind !== 'map' || parent.node.flow)
    return undefined;
  const entry = parent.node.entries.findLast((e) => e.key === key);
  if (!entry || entry.keyNode.start < 0) return undefined;
  const text = object.source.text;
  const start = base + entry.keyNode.start;
  const indent = start - (text.lastIndexOf('\n', start - 1) + 1);
  let end = base + entry.value.end;
  while (end > start && /\s/.test(text[end - 1] as string)) end--;
  const newline = text[text.indexOf('\n', start) - 1] === '\r' ? '\r\n' : '\n';
  return { start, end, text: lines.join(`${newline}${' '.repeat(indent)}`) };
}

/**
 * Appends `key: …` lines at the end of the block mapping at `path`, indented like its other keys.
 * Undefined when the mapping is missing, empty, written in flow style (`{…}`), or already has the key:
 * those are reported, not rewritten.
 */
export function appendToMap(object: K8sObject, path: Path, lines: Lines): Edit | undefined {
  const found = exactNode(object, path);
  if (found?.node.kind !== 'map' || found.node.flow || found.node.entries.length === 0)
    return undefined;
  const { node, base } = found;
  // Never write a key twice (the value may look absent only because it is empty or malformed).
  const key = /^([\w.-]+):/.exec(lines[0] ?? '')?.[1];
  if (key === undefined || node.entries.some((e) => e.key === key)) return undefined;
  const text = object.source.text;
  const keyStart = base + node.start;
  const indent = keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1);
  // End of the map's content, then the end of that line (after any trailing comment).
  let end = base + node.end;
  while (end > 0 && /\s/.test(text[end - 1] as string)) end--;
  let eol = text.indexOf('\n', end);
  let newline = '\n';
  if (eol === -1) eol = text.length;
  else if (text[eol - 1] === '\r') {
    eol--;
    newline = '\r\n';
  }
  const pad = ' '.repeat(indent);
  return { start: eol, end: eol, text: lines.map((l) => `${newline}${pad}${l}`).join('') };
}
