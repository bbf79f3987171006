import type { Position } from './types.js';

/** Maps offsets in a text to 1-based line and column, built once per source. */
export class LineIndex {
  readonly #starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1))
      this.#starts.push(i + 1);
  }

  position(offset: number): Position {
    const starts = this.#starts;
    let lo = 0;
    let hi = starts.length - 1;
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

const MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;

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
  for (const match of text.matchAll(MARKER)) {
    const at = match.index;
    if (at > start) raw.push({ start, text: text.slice(start, at) });
    start = match[0] === '...' ? text.indexOf('\n', at) + 1 || text.length : at;
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
