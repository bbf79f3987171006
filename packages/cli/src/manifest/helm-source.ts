import type { K8sObject } from './types.js';

const MARK = '# Source: ';

/**
 * The chart template an object was rendered from: the `# Source: <chart>/templates/<file>` comment
 * `helm template` prints above each document, or undefined. Only the object's own document is
 * searched (from its `---` marker to the object).
 */
export function helmSourceOf(object: K8sObject): string | undefined {
  const { node, base } = object.syntax();
  const text = object.source.text;
  const at = base + Math.max(0, node.start);
  const comment = text.lastIndexOf(MARK, at);
  if (comment === -1) return undefined;
  const marker = text.lastIndexOf('\n---', at);
  if (marker > comment) return undefined;
  if (comment > 0 && text[comment - 1] !== '\n') return undefined;
  const end = text.indexOf('\n', comment);
  const path = text.slice(comment + MARK.length, end === -1 ? undefined : end).trim();
  return path === '' ? undefined : path;
}
