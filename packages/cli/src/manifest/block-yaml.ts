// A fast reader for the YAML that `helm template`, `kustomize build` and `kubectl` print: block
// mappings and sequences, one-line plain and quoted scalars, one-line flow collections,
// literal block scalars (`|`, `|-`), comments. It reads a document in one pass over its lines, several
// times faster than a general YAML parser, and yields exactly the value js-yaml gives it with
// `SCHEMA`. Anything else — anchors, aliases, tags, merge keys, multi-line plain or quoted scalars,
// folded scalars, tabs, carriage returns, text outside printable ASCII, duplicate keys, JSON, and
// every malformed document — is not read here: `readBlockDocument` returns undefined and the caller
// hands the document to js-yaml, which reads it or reports its error. Being conservative is the
// design: a document this reader declines costs time, one it misread would cost a wrong report.
// test/manifest/block-yaml.test.ts checks the equality on every document of the test corpora and on
// seeded mutations of them.
import { isPlainString, plainValue } from './schema.js';

/** Thrown (a constant, no stack) when a document leaves the subset read here. */
const DECLINE = Symbol('decline');

/** Anything but newline and printable ASCII: tabs, carriage returns, control characters, non-ASCII. */
const OUTSIDE = /[^\n\x20-\x7e]/;

/** Nesting deeper than this is left to js-yaml (which has its own limit). */
const MAX_DEPTH = 64;
/** Implicit keys longer than this are left to js-yaml (YAML limits them to 1024 characters). */
const MAX_KEY = 1000;

const NL = 10;
const SPACE = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;
const PIPE = 124;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
const COMMA = 44;

/** Characters of a plain key: letters, digits, `_`, `.`, `/`, `-` (`app.kubernetes.io/name`). */
function isKeyChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || // a-z
    (c >= 65 && c <= 90) || // A-Z
    (c >= 48 && c <= 57) || // 0-9
    c === 95 || // _
    c === 46 || // .
    c === 47 || // /
    c === DASH
  );
}

/**
 * Characters of a plain scalar inside a flow collection (`[get, list]`, `{cpu: 100m}`,
 * `[--secure-port=10250]`): those of a key, and `=`, `+`, `~`.
 */
function isFlowChar(c: number): boolean {
  return isKeyChar(c) || c === 61 || c === 43 || c === 126;
}

/**
 * The characters YAML reserves at the start of a plain scalar, and those this reader leaves to
 * js-yaml there: `- ? : , [ ] { } # & * ! | > ' " % @ \`` and `<` (merge keys).
 */
function startsSpecial(c: number): boolean {
  return (
    c === DASH ||
    c === 63 || // ?
    c === COLON ||
    c === COMMA ||
    c === LBRACKET ||
    c === RBRACKET ||
    c === LBRACE ||
    c === RBRACE ||
    c === HASH ||
    c === 38 || // &
    c === 42 || // *
    c === 33 || // !
    c === PIPE ||
    c === 62 || // >
    c === SQUOTE ||
    c === DQUOTE ||
    c === 37 || // %
    c === 64 || // @
    c === 96 || // `
    c === 60 // <
  );
}

class Reader {
  readonly #t: string;
  readonly #n: number;
  /** Always the start of a line between nodes. */
  #p = 0;
  #depth = 0;
  /** The position inside a flow collection being read. */
  #f = 0;

  constructor(text: string) {
    this.#t = text;
    this.#n = text.length;
  }

  /** The document's value. */
  document(): unknown {
    const t = this.#t;
    if (t.startsWith('---')) {
      // The marker line holds nothing else (a comment at most).
      const eol = this.#lineEnd(3);
      this.#rest(3, eol);
      this.#p = eol + 1;
    }
    const indent = this.#skipEmpty();
    if (indent < 0) throw DECLINE; // empty: js-yaml decides what it is
    const value = this.#block(indent);
    if (this.#skipEmpty() !== -1) throw DECLINE; // content left over
    return value;
  }

  /** End of the line that holds `i`: the offset of its newline, or the text's length. */
  #lineEnd(i: number): number {
    const e = this.#t.indexOf('\n', i);
    return e === -1 ? this.#n : e;
  }

  /**
   * Skips blank and comment lines from the line start `#p`: the indentation of the next content line
   * (with `#p` at its start), or -1 at the end of the text.
   */
  #skipEmpty(): number {
    const t = this.#t;
    const n = this.#n;
    let p = this.#p;
    while (p < n) {
      let i = p;
      while (t.charCodeAt(i) === SPACE) i++;
      if (i >= n) break;
      const c = t.charCodeAt(i);
      if (c === NL) {
        p = i + 1;
      } else if (c === HASH) {
        p = this.#lineEnd(i) + 1;
      } else {
        this.#p = p;
        return i - p;
      }
    }
    this.#p = n;
    return -1;
  }

  /** What may follow a value on its line, from `i` to the newline at `eol`: spaces, then a comment. */
  #rest(i: number, eol: number): void {
    const t = this.#t;
    const from = i;
    while (i < eol && t.charCodeAt(i) === SPACE) i++;
    if (i === eol) return;
    // A comment is separated from what comes before it by a space.
    if (t.charCodeAt(i) !== HASH || i === from) throw DECLINE;
  }

  /** Whether `i` holds a sequence entry's dash: `-` followed by a space or the end of the line. */
  #isDash(i: number): boolean {
    if (this.#t.charCodeAt(i) !== DASH) return false;
    const c = this.#t.charCodeAt(i + 1);
    return c === SPACE || c === NL || i + 1 >= this.#n;
  }

  /** A block node whose first line starts at `#p` with the given indentation. */
  #block(indent: number): unknown {
    const at = this.#p + indent;
    if (++this.#depth > MAX_DEPTH) throw DECLINE;
    let value: unknown;
    if (this.#isDash(at)) value = this.#sequence(indent);
    else if (this.#keyEnd(at) !== -1) value = this.#mapping(indent, at);
    // A scalar or flow collection on a line of its own (`securityContext:\n  {}`); its parent
    // declines it if a deeper line follows (a continuation).
    else value = this.#inline(at, indent);
    this.#depth--;
    return value;
  }

  /**
   * The offset just after the `:` of a mapping key that starts at `i` (a plain key of `isKeyChar`
   * characters, or a one-line quoted key, followed by `:` and a space or the end of the line), or -1.
   */
  #keyEnd(i: number): number {
    const t = this.#t;
    const c = t.charCodeAt(i);
    let j = i;
    if (c === DQUOTE || c === SQUOTE) {
      j = this.#quotedEnd(i);
      if (j === -1) return -1;
    } else {
      if (c === DASH || c === 46 /* . */) return -1;
      while (isKeyChar(t.charCodeAt(j))) j++;
      if (j === i || j - i > MAX_KEY) return -1;
    }
    if (t.charCodeAt(j) !== COLON) return -1;
    const after = t.charCodeAt(j + 1);
    return after === SPACE || after === NL || j + 1 >= this.#n ? j + 1 : -1;
  }

  /** The key starting at `i`, whose `:` ends just before `end`. */
  #key(i: number, end: number): string {
    const t = this.#t;
    const c = t.charCodeAt(i);
    let key: string;
    if (c === DQUOTE || c === SQUOTE) key = this.#quoted(i, end - 1);
    else {
      key = t.slice(i, end - 1);
      if (!isPlainString(key)) throw DECLINE; // `80:`, `true:`, `null:` are not string keys
    }
    if (key === '__proto__') throw DECLINE;
    return key;
  }

  /** A block mapping whose keys sit at column `indent`; its first key starts at `at` (on line `#p`). */
  #mapping(indent: number, at: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    let i = at;
    for (;;) {
      const end = this.#keyEnd(i);
      if (end === -1) throw DECLINE;
      const key = this.#key(i, end);
      if (Object.hasOwn(map, key)) throw DECLINE;
      map[key] = this.#value(end, indent, true);
      const next = this.#skipEmpty();
      if (next === indent) {
        i = this.#p + indent;
        if (this.#isDash(i)) throw DECLINE;
        continue;
      }
      if (next < indent) return map; // the end of the text, or the parent's next line
      throw DECLINE; // deeper than the keys and not a value: a continuation, or an error
    }
  }

  /** A block sequence whose dashes sit at column `indent`, its first on line `#p`. */
  #sequence(indent: number): unknown[] {
    const t = this.#t;
    const items: unknown[] = [];
    for (;;) {
      const dash = this.#p + indent;
      let i = dash + 1;
      while (t.charCodeAt(i) === SPACE) i++;
      const c = t.charCodeAt(i);
      if (i >= this.#n || c === NL || (c === HASH && i > dash + 1)) {
        // `-` alone: the item is the block below, or null.
        this.#p = this.#lineEnd(i) + 1;
        const below = this.#skipEmpty();
        items.push(below > indent ? this.#block(below) : null);
      } else if (this.#isDash(i)) {
        throw DECLINE; // `- - x`
      } else if (this.#keyEnd(i) !== -1) {
        // `- key: value`: a mapping whose keys sit where this one does.
        if (++this.#depth > MAX_DEPTH) throw DECLINE;
        items.push(this.#mapping(i - this.#p, i));
        this.#depth--;
      } else {
        items.push(this.#inline(i, indent));
      }
      const next = this.#skipEmpty();
      if (next === indent && this.#isDash(this.#p + indent)) continue;
      // Less indented, or (for a sequence that is a mapping's value at its keys' column) a key.
      if (next <= indent) return items;
      throw DECLINE;
    }
  }

  /**
   * The value after a mapping key whose `:` ends just before `i`; `indent` is the keys' column. Leaves
   * `#p` at the start of the line after the value.
   */
  #value(i: number, indent: number, mapValue: boolean): unknown {
    const t = this.#t;
    const from = i;
    while (t.charCodeAt(i) === SPACE) i++;
    const c = t.charCodeAt(i);
    if (i >= this.#n || c === NL || (c === HASH && i > from)) {
      this.#p = this.#lineEnd(i) + 1;
      const below = this.#skipEmpty();
      if (below > indent) return this.#block(below);
      // A sequence may sit at its key's column.
      if (mapValue && below === indent && this.#isDash(this.#p + indent)) {
        if (++this.#depth > MAX_DEPTH) throw DECLINE;
        const items = this.#sequence(indent);
        this.#depth--;
        return items;
      }
      return plainValue('');
    }
    return this.#inline(i, indent);
  }

  /**
   * A value that starts at `i` on its key's or dash's line: a one-line scalar or flow collection, or a
   * literal block scalar. `indent` is the column of its parent (keys or dashes). Leaves `#p` at the
   * start of the next line.
   */
  #inline(i: number, indent: number): unknown {
    const t = this.#t;
    const c = t.charCodeAt(i);
    const eol = this.#lineEnd(i);
    let value: unknown;
    let after: number;
    if (c === DQUOTE || c === SQUOTE) {
      const end = this.#quotedEnd(i);
      if (end === -1 || end > eol) throw DECLINE;
      value = this.#quoted(i, end);
      after = end;
    } else if (c === LBRACKET || c === LBRACE) {
      value = this.#flow(i, eol);
      after = this.#f;
    } else if (c === PIPE) {
      return this.#literal(i, eol, indent);
    } else {
      value = this.#plain(i, eol);
      after = eol;
    }
    this.#rest(after, eol);
    this.#p = eol + 1;
    return value;
  }

  /** The value of a plain scalar from `i` to the end of its line at `eol` (less a comment). */
  #plain(i: number, eol: number): unknown {
    const t = this.#t;
    const c = t.charCodeAt(i);
    if (startsSpecial(c)) {
      // `-1`, `-Xmx512m`, `--port=80`: a dash followed by a letter, digit, `-` or `.` starts a
      // plain scalar.
      if (c !== DASH || !isKeyChar(t.charCodeAt(i + 1))) throw DECLINE;
    }
    let end = eol;
    for (let j = i; j < eol; j++) {
      const k = t.charCodeAt(j);
      if (k === COLON) {
        // `a: b: c` is an error; `a: b:` too; `a: b:c` is the scalar `b:c`.
        const d = t.charCodeAt(j + 1);
        if (d === SPACE || j + 1 === eol) throw DECLINE;
      } else if (k === HASH && t.charCodeAt(j - 1) === SPACE) {
        end = j;
        break;
      }
    }
    while (t.charCodeAt(end - 1) === SPACE) end--;
    return plainValue(t.slice(i, end));
  }

  /** Where a one-line quoted scalar starting at `i` ends (after its closing quote), or -1. */
  #quotedEnd(i: number): number {
    const t = this.#t;
    const quote = t.charCodeAt(i);
    for (let j = i + 1; j < this.#n; j++) {
      const c = t.charCodeAt(j);
      if (c === NL) return -1;
      if (quote === DQUOTE && c === BACKSLASH) {
        j++;
        if (t.charCodeAt(j) === NL) return -1;
      } else if (c === quote) {
        if (quote === SQUOTE && t.charCodeAt(j + 1) === SQUOTE) j++;
        else return j + 1;
      }
    }
    return -1;
  }

  /** The value of the one-line quoted scalar from `i` to `end` (after its closing quote). */
  #quoted(i: number, end: number): string {
    const t = this.#t;
    const body = t.slice(i + 1, end - 1);
    if (t.charCodeAt(i) === SQUOTE) return body.includes("''") ? body.replaceAll("''", "'") : body;
    if (!body.includes('\\')) return body;
    let out = '';
    for (let j = 0; j < body.length; j++) {
      const c = body[j];
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = body[++j];
      if (e === '\\' || e === '"' || e === '/') out += e;
      else if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else throw DECLINE; // other escapes are left to js-yaml
    }
    return out;
  }

  /**
   * A one-line flow collection starting at `i` (`[]`, `{}`, `["npm", "start"]`,
   * `{cpu: 100m, memory: 128Mi}`, `{limits: {}}`): its value, with `#f` after its closing bracket.
   */
  #flow(i: number, eol: number): unknown {
    const t = this.#t;
    const map = t.charCodeAt(i) === LBRACE;
    const close = map ? RBRACE : RBRACKET;
    const items: unknown[] = [];
    const entries: Record<string, unknown> = {};
    this.#f = i + 1;
    this.#flowSpaces();
    if (t.charCodeAt(this.#f) === close) {
      this.#f++;
      return map ? entries : items;
    }
    for (;;) {
      if (map) {
        const key = this.#flowScalar(eol, true) as string;
        if (key === '__proto__' || Object.hasOwn(entries, key)) throw DECLINE;
        if (t.charCodeAt(this.#f) !== COLON || t.charCodeAt(this.#f + 1) !== SPACE) throw DECLINE;
        this.#f += 2;
        this.#flowSpaces();
        entries[key] = this.#flowScalar(eol, false);
      } else {
        items.push(this.#flowScalar(eol, false));
      }
      this.#flowSpaces();
      const c = t.charCodeAt(this.#f);
      if (c === close) {
        this.#f++;
        return map ? entries : items;
      }
      if (c !== COMMA || this.#f >= eol) throw DECLINE;
      this.#f++;
      this.#flowSpaces();
      // `[a, ]`: a trailing comma, and anything else odd, is left to js-yaml.
      const d = t.charCodeAt(this.#f);
      if (d === close || d === COMMA || this.#f >= eol) throw DECLINE;
    }
  }

  #flowSpaces(): void {
    while (this.#t.charCodeAt(this.#f) === SPACE) this.#f++;
  }

  /** A scalar at `#f` (or, for a value, a nested collection); `key` for a flow mapping's key. */
  #flowScalar(eol: number, key: boolean): unknown {
    const t = this.#t;
    const start = this.#f;
    const c = t.charCodeAt(start);
    if (c === DQUOTE || c === SQUOTE) {
      const end = this.#quotedEnd(start);
      if (end === -1 || end > eol) throw DECLINE;
      this.#f = end;
      return this.#quoted(start, end);
    }
    if (c === LBRACKET || c === LBRACE) {
      if (key || ++this.#depth > MAX_DEPTH) throw DECLINE;
      const nested = this.#flow(start, eol);
      this.#depth--;
      return nested;
    }
    // `-1`, `.5`: resolved below; a lone `-` or `.` is left to js-yaml.
    if ((c === DASH || c === 46) && !isFlowChar(t.charCodeAt(start + 1))) throw DECLINE;
    // A colon is part of the scalar when a scalar character follows it (`localhost:9898/healthz`).
    let j = start;
    for (let k = c; ; k = t.charCodeAt(++j)) {
      if (!isFlowChar(k) && !(k === COLON && j > start && isFlowChar(t.charCodeAt(j + 1)))) break;
    }
    if (j === start) throw DECLINE;
    this.#f = j;
    const text = t.slice(start, j);
    if (!key) return plainValue(text);
    if (!isPlainString(text)) throw DECLINE;
    return text;
  }

  /**
   * A literal block scalar (`|` or `|-`) whose indicator is at `i`, under a parent at column `indent`.
   * Its lines are those indented deeper than the first one's indentation; empty lines count too.
   */
  #literal(i: number, eol: number, indent: number): string {
    const t = this.#t;
    const n = this.#n;
    let j = i + 1;
    const strip = t.charCodeAt(j) === DASH;
    if (strip) j++;
    // `|+`, `|2` and other indicators are left to js-yaml.
    if (t.charCodeAt(j) !== SPACE && t.charCodeAt(j) !== NL && j < n) throw DECLINE;
    this.#rest(j, eol);
    let p = eol + 1;
    // The first line sets the indentation; leading empty lines are left to js-yaml.
    let k = p;
    while (t.charCodeAt(k) === SPACE) k++;
    const own = k - p;
    if (k >= n || t.charCodeAt(k) === NL || own <= indent) throw DECLINE;
    let out = '';
    let pendingBreaks = 0;
    let lines = 0;
    while (p < n) {
      k = p;
      while (t.charCodeAt(k) === SPACE) k++;
      if (k >= n) break; // spaces at the very end of the text
      if (t.charCodeAt(k) === NL) {
        if (k - p > own) throw DECLINE; // spaces beyond the indentation on an empty line
        pendingBreaks++;
        p = k + 1;
        continue;
      }
      if (k - p < own) break; // a less indented line ends the scalar
      const e = t.indexOf('\n', k);
      if (e === -1) throw DECLINE; // the last line without its line break
      if (lines > 0) out += '\n'.repeat(pendingBreaks + 1);
      out += t.slice(p + own, e);
      pendingBreaks = 0;
      lines++;
      p = e + 1;
    }
    // The empty lines after the last content line are not part of it (clip and strip drop them).
    this.#p = p;
    return strip ? out : `${out}\n`;
  }
}

/**
 * The value of one YAML document in the subset described above, exactly as js-yaml reads it, or
 * undefined when the document is outside that subset (js-yaml must read it).
 */
export function readBlockDocument(text: string): { value: unknown } | undefined {
  if (OUTSIDE.test(text)) return undefined;
  try {
    return { value: new Reader(text).document() };
  } catch (thrown) {
    if (thrown === DECLINE) return undefined;
    throw thrown;
  }
}
