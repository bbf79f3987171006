import type { K8sObject } from './types.js';

const MARK = '# Source: ';

/**
 * The chart template an object was rendered from: the `# Source: <chart>/templates/<file>` comment
 * `helm template` prints above each document, or undefined. Only the object's own document is
 * searched (from its start, a `---` marker, to the object): never the text before it.
 */
export function helmSourceOf(object: K8sObject): string | undefined {
  const { node, base } = object.syntax();
  const text = object.source.text;
  const at = base + Math.max(0, node.start);
  const head = text.slice(base, at);
  const comment = head.lastIndexOf(MARK);
  if (comment === -1) return undefined;
  // A marker after the comment (the document's own, after directives) ends the comment's document.
  if (head.indexOf('\n---', comment) !== -1) return undefined;
  if (base + comment > 0 && text[base + comment - 1] !== '\n') return undefined;
  const end = head.indexOf('\n', comment);
  const path = head.slice(comment + MARK.length, end === -1 ? undefined : end).trim();
  return path === '' ? undefined : path;
}
