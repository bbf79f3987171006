import { CORE_SCHEMA, constructFromEvents, type Event, mergeTag, parseEvents } from 'js-yaml';
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
}

/**
 * Parses a YAML (or JSON) stream. Every document, and every item of a `kind: List`, becomes one
 * object. js-yaml's event stream gives both the values and the source offsets (for positions and
 * fixes); a document it rejects is parsed again by the `yaml` package, whose error (with
 * file:line:column) is reported, and skipped: the rest of the stream is still audited. Documents that
 * are not Kubernetes objects (no `kind`) are ignored. With a `cache`, documents seen before are not
 * parsed again.
 */
export function parseManifests(source: Source, cache?: DocumentCache): ParsedManifests {
  const lines = new LineIndex(source.text);
  const objects: K8sObject[] = [];
  const errors: InputError[] = [];
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
        if (hit)
          collect(source, hit.value, reparsed(chunk.text, cache), lines, chunk.start, [], objects);
        else parseChunk(source, chunk, lines, objects, errors, cache);
      }
      continue;
    }
    if (!parseBatch(source, batch, lines, objects, cache)) {
      for (const chunk of batch) parseChunk(source, chunk, lines, objects, errors, cache);
    }
  }
  return { objects, errors };
}

/** Consecutive documents in one js-yaml pass; false when any has an error or they do not line up. */
function parseBatch(
  source: Source,
  batch: readonly Chunk[],
  lines: LineIndex,
  objects: K8sObject[],
  cache: DocumentCache | undefined,
): boolean {
  const first = batch[0] as Chunk;
  const lastChunk = batch.at(-1) as Chunk;
  const text = source.text.slice(first.start, lastChunk.start + lastChunk.text.length);
  let values: unknown[];
  try {
    values = constructFromEvents(parseEvents(text, {}), { ...CONSTRUCT, source: text });
  } catch {
    return false;
  }
  // Empty documents (only comments) are not chunks: drop their null values before lining up.
  if (values.length !== batch.length) values = values.filter((v) => v !== null && v !== undefined);
  if (values.length !== batch.length) return false;
  batch.forEach((chunk, k) => {
    cache?.set(chunk.text, values[k]);
    collect(source, values[k], reparsed(chunk.text, cache), lines, chunk.start, [], objects);
  });
  return true;
}

/** One document on its own: its parse error (with the `yaml` package's position), or its object. */
function parseChunk(
  source: Source,
  chunk: Chunk,
  lines: LineIndex,
  objects: K8sObject[],
  errors: InputError[],
  cache?: DocumentCache,
): void {
  let value: unknown;
  let parsed = true;
  try {
    value = constructFromEvents(parseEvents(chunk.text, {}), {
      ...CONSTRUCT,
      source: chunk.text,
    })[0];
    cache?.set(chunk.text, value);
  } catch {
    const error = exactError(source, chunk, lines);
    if (error) {
      errors.push(error);
      return;
    }
    // js-yaml is stricter than the YAML 1.2 parser on a few inputs: trust the latter, without offsets.
    parsed = false;
    value = parseDocument(chunk.text, YAML_OPTIONS).toJS({ maxAliasCount: 1000 });
  }
  collect(
    source,
    value,
    parsed ? reparsed(chunk.text, cache) : () => undefined,
    lines,
    chunk.start,
    [],
    objects,
  );
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
