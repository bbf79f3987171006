import { CORE_SCHEMA, type Event, loadAll, mergeTag, parseEvents } from 'js-yaml';
import { parseDocument } from 'yaml';
import { isRecord } from '../core/records.js';
import { type Chunk, LineIndex, splitDocuments } from './line-index.js';
import { exactError, YAML_OPTIONS } from './parse-error.js';
import { buildTree, child, type SyntaxNode } from './syntax-tree.js';
import type { InputError, K8sObject, Source, Syntax } from './types.js';

/**
 * YAML 1.2's core schema plus merge keys (`<<: *base`), which Kubernetes' YAML reader (YAML 1.1)
 * resolves too. The merge budget is per call, and one call reads a whole stream.
 */
const CONSTRUCT = {
  json: true,
  schema: CORE_SCHEMA.withTags(mergeTag),
  maxTotalMergeKeys: 1_000_000,
} as const;

export interface ParsedManifests {
  readonly objects: K8sObject[];
  readonly errors: InputError[];
}

/**
 * Documents are parsed in batches of about this many characters: large enough that js-yaml's
 * per-call cost vanishes, small enough that a batch's events never weigh much (they are dropped after
 * it; a syntax tree is built again from a document's text when a finding needs one).
 */
const BATCH = 256 * 1024;

/**
 * The values of documents already parsed, by their text: parsing a stream again after a few edits
 * (`--fix` audits after each round) parses only the documents that changed. Values are shared, so
 * nobody may change them.
 */
export class DocumentCache {
  readonly #values = new Map<string, unknown>();
  readonly #trees = new Map<string, SyntaxNode | undefined>();

  /** The syntax tree of a document's text, built once. */
  tree(text: string, build: () => SyntaxNode | undefined): SyntaxNode | undefined {
    if (this.#trees.has(text)) return this.#trees.get(text);
    const tree = build();
    this.#trees.set(text, tree);
    return tree;
  }

  get(text: string): { value: unknown } | undefined {
    return this.#values.has(text) ? { value: this.#values.get(text) } : undefined;
  }

  set(text: string, value: unknown): void {
    this.#values.set(text, value);
  }

  /**
   * Parses one document's text as `parseManifests` does and keeps its value; false when it does not
   * parse (nothing is kept then).
   */
  parse(text: string): boolean {
    if (this.#values.has(text)) return true;
    try {
      const values = construct(text);
      if (values.length > 1) return false;
      this.#values.set(text, values[0]);
      return true;
    } catch {
      return false;
    }
  }
}

/** How to parse a stream. */
export interface ParseOptions {
  /** Documents parsed before, by their text: only new documents are parsed. */
  readonly cache?: DocumentCache;
  /**
   * Which kinds' values to keep in memory. The others (a Secret, a CRD's schema, RBAC) are parsed —
   * their errors are reported — and their `value` is parsed again from the text if anyone reads it.
   * Every kind is kept when unset.
   */
  readonly keep?: (kind: string) => boolean;
}

/** One parse: the source and what it yields. */
interface Parse {
  readonly source: Source;
  readonly lines: LineIndex;
  readonly objects: K8sObject[];
  readonly errors: InputError[];
  readonly options: ParseOptions;
}

/**
 * Parses a YAML (or JSON) stream. Every document, and every item of a `kind: List`, becomes one
 * object. js-yaml's event stream gives both the values and the source offsets (for positions and
 * fixes); a document it rejects is parsed again by the `yaml` package, whose error (with
 * file:line:column) is reported, and skipped: the rest of the stream is still audited. Documents that
 * are not Kubernetes objects (no `kind`) are ignored. The second argument is a `DocumentCache` or
 * `ParseOptions`.
 */
export function parseManifests(
  source: Source,
  options: DocumentCache | ParseOptions = {},
): ParsedManifests {
  const p: Parse = {
    source,
    lines: new LineIndex(source.text),
    objects: [],
    errors: [],
    options: options instanceof DocumentCache ? { cache: options } : options,
  };
  const { cache } = p.options;
  const chunks = splitDocuments(source.text);
  for (let first = 0; first < chunks.length; ) {
    let last = first;
    const start = (chunks[first] as Chunk).start;
    while (last + 1 < chunks.length && (chunks[last + 1] as Chunk).start - start < BATCH) last++;
    const batch = chunks.slice(first, last + 1);
    first = last + 1;
    const missing = cache ? batch.filter((c) => !cache.get(c.text)).length : batch.length;
    if (cache && missing * 4 <= batch.length) {
      // Mostly seen before: take those from the cache, parse the few others one by one.
      for (const chunk of batch) {
        const hit = cache.get(chunk.text);
        if (hit) collect(p, hit.value, chunk, true);
        else parseChunk(p, chunk);
      }
      continue;
    }
    if (!parseBatch(p, batch)) for (const chunk of batch) parseChunk(p, chunk);
  }
  return { objects: p.objects, errors: p.errors };
}

/**
 * The values of a text's documents, in js-yaml's direct pass (no event list: faster, and no garbage);
 * the events with offsets are produced again from a document's text when its syntax tree is needed.
 */
const construct = (text: string): unknown[] => loadAll(text, CONSTRUCT);

/** Consecutive documents in one js-yaml pass; false when any has an error or they do not line up. */
function parseBatch(p: Parse, batch: readonly Chunk[]): boolean {
  const first = batch[0] as Chunk;
  const lastChunk = batch.at(-1) as Chunk;
  const text = p.source.text.slice(first.start, lastChunk.start + lastChunk.text.length);
  let values: unknown[];
  try {
    values = construct(text);
  } catch {
    return false;
  }
  // Empty documents (only comments) are not chunks: drop their null values before lining up.
  if (values.length !== batch.length) values = values.filter((v) => v !== null && v !== undefined);
  if (values.length !== batch.length) return false;
  batch.forEach((chunk, k) => {
    p.options.cache?.set(chunk.text, values[k]);
    collect(p, values[k], chunk, true);
  });
  return true;
}

/** One document on its own: its parse error (with the `yaml` package's position), or its object. */
function parseChunk(p: Parse, chunk: Chunk): void {
  let value: unknown;
  try {
    value = construct(chunk.text)[0];
    p.options.cache?.set(chunk.text, value);
  } catch {
    const error = exactError(p.source, chunk, p.lines);
    if (error) {
      p.errors.push(error);
      return;
    }
    // js-yaml is stricter than the YAML 1.2 parser on a few inputs: trust the latter, without offsets.
    value = parseDocument(chunk.text, YAML_OPTIONS).toJS({ maxAliasCount: 1000 });
    collect(p, value, chunk, false);
    return;
  }
  collect(p, value, chunk, true);
}

/** The syntax tree of one document, parsed again from its text the first time it is asked for. */
function reparsed(text: string, cache: DocumentCache | undefined): () => SyntaxNode | undefined {
  const tree = lazyTree(text, () => parseEvents(text, {}));
  return cache ? () => cache.tree(text, tree) : tree;
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

/** Trees of documents only the `yaml` package could read: their values are always held. */
const NO_TREE = () => undefined;
const withOffsetsOf = (tree: () => SyntaxNode | undefined) => tree !== NO_TREE;

/** The objects of one document: itself, or the items of a `kind: List`. */
function collect(p: Parse, value: unknown, chunk: Chunk, withOffsets: boolean): void {
  const tree = withOffsets ? reparsed(chunk.text, p.options.cache) : NO_TREE;
  collectValue(p, value, chunk, tree, []);
}

function collectValue(
  p: Parse,
  value: unknown,
  chunk: Chunk,
  tree: () => SyntaxNode | undefined,
  itemPath: readonly number[],
): void {
  if (!isRecord(value) || typeof value.kind !== 'string') return;
  if (/^\w*List$/.test(value.kind) && Array.isArray(value.items)) {
    value.items.forEach((item, i) => {
      collectValue(p, item, chunk, tree, [...itemPath, i]);
    });
    return;
  }
  const keep = !withOffsetsOf(tree) || (p.options.keep?.(value.kind) ?? true);
  p.objects.push(new ParsedObject(p.source, p.lines, chunk, value, keep, tree, itemPath));
}

/**
 * One object of a stream. A class, not an object literal with closures: tens of thousands of them
 * share one shape. A value nobody is expected to read (`keep` false) is not held: it is parsed again
 * from the document's text if read.
 */
class ParsedObject implements K8sObject {
  readonly source: Source;
  readonly kind: string;
  readonly apiVersion: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly #lines: LineIndex;
  readonly #chunk: Chunk;
  readonly #tree: () => SyntaxNode | undefined;
  readonly #itemPath: readonly number[];
  #held: Record<string, unknown> | undefined;
  #syntax: Syntax | undefined;

  constructor(
    source: Source,
    lines: LineIndex,
    chunk: Chunk,
    value: Record<string, unknown>,
    keep: boolean,
    tree: () => SyntaxNode | undefined,
    itemPath: readonly number[],
  ) {
    this.source = source;
    this.#lines = lines;
    this.#chunk = chunk;
    this.#tree = tree;
    this.#itemPath = itemPath;
    const metadata = isRecord(value.metadata) ? value.metadata : {};
    this.kind = String(value.kind);
    this.apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '';
    this.name = typeof metadata.name === 'string' ? metadata.name : '(unnamed)';
    this.namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
    this.#held = keep ? value : undefined;
  }

  get value(): Record<string, unknown> {
    if (!this.#held) {
      let again: unknown = construct(this.#chunk.text)[0];
      for (const i of this.#itemPath)
        again = isRecord(again) && Array.isArray(again.items) ? again.items[i] : undefined;
      this.#held = isRecord(again) ? again : {};
    }
    return this.#held;
  }

  syntax(): Syntax {
    if (this.#syntax) return this.#syntax;
    let node = this.#tree() ?? EMPTY;
    for (const i of this.#itemPath)
      node = child(child(node, 'items')?.node ?? EMPTY, i)?.node ?? EMPTY;
    this.#syntax = { node, base: this.#chunk.start, lines: this.#lines };
    return this.#syntax;
  }
}
