import type { LineIndex } from './line-index.js';
import type { SyntaxNode } from './syntax-tree.js';

/** 1-based line and column, as editors and SARIF count them. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** A file or stream that could not be read or parsed. Always exit 2. */
export interface InputError {
  readonly file: string;
  readonly position: Position;
  readonly message: string;
}

/** One input: a path (or `-`) with its text. */
export interface Source {
  readonly file: string;
  readonly text: string;
  readonly type: 'yaml' | 'dockerfile';
  /** For a Dockerfile read from disk: the `scripts` of the package.json beside it, if any. */
  readonly scripts?: Readonly<Record<string, string>>;
  /** How the bytes were encoded, when not UTF-8 (a fix is written back the same way). */
  readonly encoding?: 'utf-16le' | 'utf-16be';
  /** Read from standard input (`file` is then `-` or the `--stdin-filename`). */
  readonly stdin?: boolean;
}

/** The YAML syntax of an object: its node, and where its document starts in the source. */
export interface Syntax {
  readonly node: SyntaxNode;
  /** Offset of the node's document in the source; node offsets are relative to it. */
  readonly base: number;
  readonly lines: LineIndex;
}

/** A Kubernetes object parsed from a YAML document. */
export interface K8sObject {
  readonly source: Source;
  readonly kind: string;
  readonly apiVersion: string;
  readonly name: string;
  readonly namespace: string | undefined;
  /** The plain JavaScript value of the object. */
  readonly value: Record<string, unknown>;
  /** The object's syntax tree with source offsets (built on first use). */
  syntax(): Syntax;
}
