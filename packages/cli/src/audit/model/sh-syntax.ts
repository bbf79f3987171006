// POSIX sh scripts as the shell sees them, through a real parser: `unbash`.
//
// Why unbash (compared in November 2026 on the npm registry, Node 20.20):
// - sh-syntax 0.7 (mvdan/sh compiled to WASM) is the reference parser, but its API is asynchronous
//   (the audit is a synchronous pass over every object), costs ~20 ms per call here (1,000 one-line
//   scripts took 20 s), and its JSON tree drops the node types we need (CallExpr vs. BinaryCmd).
// - mvdan-sh 0.10 (the GopherJS build) is no longer published, its author points to sh-syntax.
// - bash-parser 0.5 has not had a release since 2017 and pulls in 21 dependencies (babylon among
//   them); tree-sitter-bash is a native add-on (27 MB with tree-sitter) whose install scripts npm's
//   allowScripts blocks here, and gives a concrete syntax tree, not commands.
// - unbash 6 is maintained (releases every few weeks in 2026), has no dependencies (490 kB), is
//   synchronous and typed, parses POSIX sh as the subset of bash it is, gives half-open source offsets
//   for every node, and reports errors instead of throwing: ~4 µs per one-line script here.
// The scripts it cannot be sure about are never rewritten: a script with a parse error is reported
// without a fix, and every rewrite is executed under dash and bash in the tests.
import {
  type Command,
  type CommandNode,
  forEachChild,
  type ParsedScript,
  parse,
  type Statement,
  type SyntaxNode,
  type Word,
} from 'unbash';

export type { Command, CommandNode, ParsedScript, Statement, Word };

/** The script's syntax tree; `errors` lists what the parser could not read. */
export function parseScript(script: string): ParsedScript {
  return parse(script);
}

/**
 * The value of a word when the shell would pass it through unchanged, with its quotes removed:
 * literal text and quoted literal text only (no expansion, glob, tilde or brace expansion).
 */
export function literalValue(word: Word): string | undefined {
  if (word.text.startsWith('~')) return undefined;
  for (const part of word.parts ?? []) {
    if (part.type === 'DoubleQuoted') {
      if (part.parts.some((inner) => inner.type !== 'Literal')) return undefined;
    } else if (part.type !== 'Literal' && part.type !== 'SingleQuoted') return undefined;
  }
  return word.value;
}

/** Every simple command of the tree, nested ones (in functions, substitutions, bodies) included. */
export function simpleCommands(root: SyntaxNode): Command[] {
  const out: Command[] = [];
  const visit = (node: SyntaxNode): void => {
    if (node.type === 'Command') out.push(node);
    forEachChild(node, visit);
  };
  visit(root);
  return out;
}

/** Names of the functions the script defines (`start() { … }`). */
export function functionNames(root: SyntaxNode): Set<string> {
  const names = new Set<string>();
  const visit = (node: SyntaxNode): void => {
    if (node.type === 'Function') names.add(node.name.value);
    forEachChild(node, visit);
  };
  visit(root);
  return names;
}
