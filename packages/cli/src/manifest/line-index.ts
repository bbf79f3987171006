import type { Position } from './types.js';

/**
 * Maps offsets in a text to 1-based line and column. The line starts are found the first time a
 * position is asked for (many sources have no finding at all), once per source.
 */
export class LineIndex {
  readonly #text: string;
  #starts: Uint32Array | undefined;
  #count = 0;

  constructor(text: string) {
    this.#text = text;
  }

  #build(): Uint32Array {
    const text = this.#text;
    let starts = new Uint32Array(1024);
    let count = 1; // starts[0] = 0
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      if (count === starts.length) {
        const grown = new Uint32Array(starts.length * 2);
        grown.set(starts);
        starts = grown;
      }
      starts[count++] = i + 1;
    }
    this.#count = count;
    this.#starts = starts;
    return starts;
  }

  /** The text of a 1-based line, without its line break ('' past the end). */
  line(n: number): string {
    const starts = this.#starts ?? this.#build();
    if (n < 1 || n > this.#count) return '';
    const start = starts[n - 1] as number;
    const end = n < this.#count ? (starts[n] as number) - 1 : this.#text.length;
    return this.#text.slice(start, end);
  }

  position(offset: number): Position {
    const starts = this.#starts ?? this.#build();
    let lo = 0;
    let hi = this.#count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
  }
}

/** One YAML document of a stream: its text and where it starts in the stream. */
export interface Chunk {
  readonly start: number;
  readonly text: string;
}

/** Characters after which a line starts (what `^` matches after in a multiline regular expression). */
const isBreak = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

/**
 * The document markers of a text (`---` or `...` at the start of a line, followed by a space, a tab,
 * a line break or the end), in order: what `/^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm` finds, without a
 * match object per document. The next `---` and `...` are remembered between calls, so that a text
 * with no `...` is searched for one once, not once per document.
 */
export function* markers(text: string): Generator<number> {
  let dashes = text.indexOf('---');
  let dots = text.indexOf('...');
  for (;;) {
    const at = dashes === -1 ? dots : dots === -1 ? dashes : Math.min(dashes, dots);
    if (at === -1) return;
    const after = text.charCodeAt(at + 3);
    const marker =
      (at === 0 || isBreak(text.charCodeAt(at - 1))) &&
      (at + 3 >= text.length || after === 32 || after === 9 || isBreak(after));
    // Markers never overlap: the next is searched for after this one.
    const from = marker ? at + 3 : at + 1;
    if (dashes !== -1 && dashes < from) dashes = text.indexOf('---', from);
    if (dots !== -1 && dots < from) dots = text.indexOf('...', from);
    if (marker) yield at;
  }
}

/**
 * What a chunk holds after its marker, without splitting it into lines (streams are large): nothing
 * but blank and comment lines, only directives (`%YAML`, `%TAG`), or content. Stops at the first
 * content line.
 */
function contentOf(text: string): 'empty' | 'directives' | 'content' {
  let directives = false;
  let at = text.startsWith('---') || text.startsWith('...') ? 3 : 0;
  while (at < text.length) {
    let i = at;
    while (text[i] === ' ' || text[i] === '\t' || text[i] === '\r') i++;
    const c = text[i];
    if (c !== undefined && c !== '\n' && c !== '#') {
      if (c !== '%' || i !== at) return 'content';
      directives = true;
    }
    const eol = text.indexOf('\n', i);
    if (eol === -1) break;
    at = eol + 1;
  }
  return directives ? 'directives' : 'empty';
}

/**
 * Splits a YAML stream at document markers (`---`, `...` at the start of a line). YAML forbids those
 * at the start of a line inside content, so this split is exact; each chunk starts at its marker.
 */
export function splitDocuments(text: string): Chunk[] {
  const raw: Chunk[] = [];
  let start = 0;
  for (const at of markers(text)) {
    if (at > start) raw.push({ start, text: text.slice(start, at) });
    start = text.charCodeAt(at) === 46 ? text.indexOf('\n', at) + 1 || text.length : at;
  }
  if (start < text.length) raw.push({ start, text: text.slice(start) });
  const chunks: Chunk[] = [];
  let directives: Chunk | undefined;
  for (const chunk of raw) {
    const kind = contentOf(chunk.text);
    if (kind === 'empty') continue;
    // `%YAML 1.2` and `%TAG` lines belong to the document after them.
    if (kind === 'directives') {
      directives = directives ?? chunk;
      continue;
    }
    chunks.push(
      directives
        ? {
            start: directives.start,
            text: text.slice(directives.start, chunk.start + chunk.text.length),
          }
        : chunk,
    );
    directives = undefined;
  }
  return chunks;
}
