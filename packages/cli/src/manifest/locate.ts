import type { SyntaxNode } from './syntax-tree.js';
import { child } from './syntax-tree.js';
import type { K8sObject, Position } from './types.js';

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
