// A fast reader for the YAML that `helm template`, `kustomize build` and `kubectl` print: block
// mappings and sequences, one-line plain and quoted scalars, one-line flow collections,
// literal block scalars (`|`, `|-`), comments. It reads a document in one pass over its lines, several
// times faster than a general YAML parser, and yields exactly the value js-yaml gives it with
// `SCHEMA`; asked for the syntax tree, it builds exactly the tree syntax-tree.ts builds from js-yaml's
// events. Anything else — anchors, aliases, tags, merge keys, multi-line plain or quoted scalars,
// folded scalars, tabs, carriage returns, text outside printable ASCII, duplicate keys, JSON, and
// every malformed document — is not read here: `readBlockDocument` returns undefined and the caller
// hands the document to js-yaml, which reads it or reports its error. Being conservative is the
// design: a document this reader declines costs time, one it misread would cost a wrong report.
// test/manifest/block-yaml.test.ts checks both equalities on every document of the test corpora and
// on seeded mutations of them.
import { CHOMPING_MODE, EVENT_ID, SCALAR_STYLE, type ScalarEvent } from 'js-yaml';
import { isPlainString, plainValue } from './schema.js';
import { type MapEntry, type SyntaxNode, scalarNode } from './syntax-tree.js';

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

/**
 * Scalars read before, by a hash of their text, with what they resolved to: manifests repeat the same
 * keys and short values (`name`, `TCP`, `80`) tens of thousands of times, and taking them from here
 * saves a string and a resolution each time. A slot holds the last text that hashed to it; what it
 * holds are strings, numbers, booleans and null, which no one can change.
 */
class Seen {
  readonly #texts: (string | undefined)[];
  readonly #values: unknown[];
  readonly #mask: number;

  constructor(bits: number) {
    this.#texts = new Array<string | undefined>(1 << bits).fill(undefined);
    this.#values = new Array<unknown>(1 << bits).fill(undefined);
    this.#mask = (1 << bits) - 1;
  }

  /** What `resolve` makes of the text in `[start, end)` of `t`. */
  get(t: string, start: number, end: number, resolve: (text: string) => unknown): unknown {
    let h = 0;
    for (let k = start; k < end; k++) h = (Math.imul(h, 31) + t.charCodeAt(k)) | 0;
    const slot = (h ^ (h >>> 15)) & this.#mask;
    const text = this.#texts[slot];
    if (text !== undefined && text.length === end - start && t.startsWith(text, start))
      return this.#values[slot];
    const fresh = t.slice(start, end);
    const value = resolve(fresh);
    this.#texts[slot] = fresh;
    this.#values[slot] = value;
    return value;
  }
}

/** A key that is not read here: not a string (`80`, `true`, `null`), or `__proto__`. */
const NOT_A_KEY = Symbol('not a key');
const asKey = (text: string): unknown =>
  text !== '__proto__' && isPlainString(text) ? text : NOT_A_KEY;
const KEYS = new Seen(12);
const VALUES = new Seen(12);
/** Longer plain values are rarely repeated: they are not looked up. */
const SHORT = 40;

/** A plain scalar's value (a key's, when `key`), or NOT_A_KEY. */
function plainAt(t: string, start: number, end: number, key: boolean): unknown {
  if (key) return KEYS.get(t, start, end, asKey);
  return end - start <= SHORT
    ? VALUES.get(t, start, end, plainValue)
    : plainValue(t.slice(start, end));
}

type Style = ScalarEvent['style'];

/** A scalar's node, with the event js-yaml's parser gives it (no anchor, no tag). */
function node(
  valueStart: number,
  valueEnd: number,
  style: Style,
  fast: boolean,
  chomping: ScalarEvent['chomping'] = CHOMPING_MODE.CLIP,
  indent = -1,
): SyntaxNode {
  return scalarNode({
    type: EVENT_ID.SCALAR,
    valueStart,
    valueEnd,
    anchorStart: -1,
    anchorEnd: -1,
    tagStart: -1,
    tagEnd: -1,
    style,
    chomping,
    indent,
    fast,
  });
}

/** An empty value (`key:` with nothing after it): js-yaml's empty plain scalar. */
const emptyNode = () => node(-1, -1, SCALAR_STYLE.PLAIN, false);

/** The end of a node for its parent's end: an empty scalar has none. */
const endOf = (n: SyntaxNode) => n.end;

class Reader {
  readonly #t: string;
  readonly #n: number;
  /** Always the start of a line between nodes. */
  #p = 0;
  #depth = 0;
  /** The position inside a flow collection being read. */
  #f = 0;
  /** Build syntax nodes (else values). */
  readonly #tree: boolean;

  constructor(text: string, tree: boolean) {
    this.#t = text;
    this.#n = text.length;
    this.#tree = tree;
  }

  /** The document's value, or its syntax tree. */
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
    const value = this.#block(indent, -1);
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

  /**
   * A block node whose first line starts at `#p` with the given indentation, under a parent (keys or
   * dashes) at column `parent` (-1 for the document).
   */
  #block(indent: number, parent: number): unknown {
    const at = this.#p + indent;
    if (++this.#depth > MAX_DEPTH) throw DECLINE;
    let value: unknown;
    if (this.#isDash(at)) value = this.#sequence(indent);
    else if (this.#keyEnd(at) !== -1) value = this.#mapping(indent, at);
    // A scalar or flow collection on a line of its own (`securityContext:\n  {}`); its parent
    // declines it if a deeper line follows (a continuation). A document that is one is left to js-yaml.
    else if (parent >= 0) value = this.#inline(at, parent);
    else throw DECLINE;
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
      // `80:`, `true:`, `null:` are not string keys.
      const plain = plainAt(t, i, end - 1, true);
      if (plain === NOT_A_KEY) throw DECLINE;
      key = plain as string;
    }
    if (key === '__proto__') throw DECLINE;
    return key;
  }

  /**
   * The node of the one-line scalar (quoted, or plain without trailing spaces) in `[start, end)`.
   */
  #scalarAt(start: number, end: number): SyntaxNode {
    const t = this.#t;
    const c = t.charCodeAt(start);
    if (c === SQUOTE)
      return node(
        start + 1,
        end - 1,
        SCALAR_STYLE.SINGLE_QUOTED,
        !t.slice(start + 1, end - 1).includes("''"),
      );
    if (c === DQUOTE)
      return node(
        start + 1,
        end - 1,
        SCALAR_STYLE.DOUBLE_QUOTED,
        !t.slice(start + 1, end - 1).includes('\\'),
      );
    return node(start, end, SCALAR_STYLE.PLAIN, true);
  }

  /** A block mapping whose keys sit at column `indent`; its first key starts at `at` (on line `#p`). */
  #mapping(indent: number, at: number): unknown {
    const tree = this.#tree;
    const map: Record<string, unknown> = {};
    const entries: MapEntry[] = [];
    let end = at;
    let i = at;
    for (;;) {
      const keyEnd = this.#keyEnd(i);
      if (keyEnd === -1) throw DECLINE;
      const key = this.#key(i, keyEnd);
      if (Object.hasOwn(map, key)) throw DECLINE;
      const value = this.#value(keyEnd, indent, true);
      if (tree) {
        map[key] = true; // only to find duplicates
        const keyNode = this.#scalarAt(i, keyEnd - 1);
        let valueNode = value as SyntaxNode;
        // An empty value sits right after its key (as syntax-tree.ts places it).
        if (valueNode.start === -1)
          valueNode = { ...valueNode, start: keyNode.end, end: keyNode.end };
        entries.push({ key, keyNode, value: valueNode });
        end = Math.max(end, keyNode.end, valueNode.end);
      } else {
        map[key] = value;
      }
      const next = this.#skipEmpty();
      if (next === indent) {
        i = this.#p + indent;
        if (this.#isDash(i)) throw DECLINE;
        continue;
      }
      if (next > indent) throw DECLINE; // deeper than the keys and not a value: a continuation
      // The end of the text, or the parent's next line.
      return tree ? { kind: 'map', start: at, end, flow: false, entries } : map;
    }
  }

  /** A block sequence whose dashes sit at column `indent`, its first on line `#p`. */
  #sequence(indent: number): unknown {
    const items: unknown[] = [];
    const start = this.#p + indent;
    for (;;) {
      items.push(this.#item(indent));
      const next = this.#skipEmpty();
      if (next === indent && this.#isDash(this.#p + indent)) continue;
      // Less indented, or (for a sequence that is a mapping's value at its keys' column) a key.
      if (next > indent) throw DECLINE;
      if (!this.#tree) return items;
      const nodes = items as SyntaxNode[];
      const end = nodes.reduce((e, item) => Math.max(e, endOf(item)), start);
      return { kind: 'seq', start, end, flow: false, items: nodes };
    }
  }

  /** The item of the sequence entry whose dash is at column `indent` of line `#p`. */
  #item(indent: number): unknown {
    const t = this.#t;
    const dash = this.#p + indent;
    let i = dash + 1;
    while (t.charCodeAt(i) === SPACE) i++;
    const c = t.charCodeAt(i);
    if (i >= this.#n || c === NL || (c === HASH && i > dash + 1)) {
      // `-` alone: the item is the block below, or null.
      this.#p = this.#lineEnd(i) + 1;
      const below = this.#skipEmpty();
      if (below > indent) return this.#block(below, indent);
      return this.#tree ? emptyNode() : null;
    }
    if (this.#isDash(i)) throw DECLINE; // `- - x`
    if (this.#keyEnd(i) === -1) return this.#inline(i, indent);
    // `- key: value`: a mapping whose keys sit where this one does.
    if (++this.#depth > MAX_DEPTH) throw DECLINE;
    const map = this.#mapping(i - this.#p, i);
    this.#depth--;
    return map;
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
      if (below > indent) return this.#block(below, indent);
      // A sequence may sit at its key's column.
      if (mapValue && below === indent && this.#isDash(this.#p + indent)) {
        if (++this.#depth > MAX_DEPTH) throw DECLINE;
        const items = this.#sequence(indent);
        this.#depth--;
        return items;
      }
      return this.#tree ? emptyNode() : plainValue('');
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
      if (this.#tree) value = this.#scalarAt(i, end);
      after = end;
    } else if (c === LBRACKET || c === LBRACE) {
      value = this.#flow(i, eol);
      after = this.#f;
    } else if (c === PIPE) {
      return this.#literal(i, eol, indent);
    } else {
      value = this.#plain(i, eol, indent);
      after = eol;
    }
    this.#rest(after, eol);
    this.#p = eol + 1;
    return value;
  }

  /**
   * The value of a plain scalar from `i` to the end of its line at `eol` (less a comment), under a
   * parent at column `indent`.
   */
  #plain(i: number, eol: number, indent: number): unknown {
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
    const comment = end < eol;
    while (t.charCodeAt(end - 1) === SPACE) end--;
    if (!this.#tree) return plainAt(t, i, end, false);
    // js-yaml marks a plain scalar that reaches its line's end as one that may go on (not `fast`)
    // when the next non-blank line is indented deeper than its parent (here: only a comment can be).
    const fast = comment || eol >= this.#n || this.#nextIndent(eol + 1) <= indent;
    return node(i, end, SCALAR_STYLE.PLAIN, fast);
  }

  /**
   * The indentation of the first line from the line start `p` on that is not blank (a comment line
   * counts), or of the spaces that end the text.
   */
  #nextIndent(p: number): number {
    const t = this.#t;
    for (;;) {
      let k = p;
      while (t.charCodeAt(k) === SPACE) k++;
      if (t.charCodeAt(k) !== NL) return k - p;
      p = k + 1;
    }
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
    const tree = this.#tree;
    const map = t.charCodeAt(i) === LBRACE;
    const close = map ? RBRACE : RBRACKET;
    const items: unknown[] = [];
    const entries: Record<string, unknown> = {};
    const nodes: MapEntry[] = [];
    const done = () => {
      this.#f++;
      if (!tree) return map ? entries : items;
      const end = this.#f;
      return map
        ? { kind: 'map', start: i, end, flow: true, entries: nodes }
        : { kind: 'seq', start: i, end, flow: true, items };
    };
    this.#f = i + 1;
    this.#flowSpaces();
    if (t.charCodeAt(this.#f) === close) return done();
    for (;;) {
      if (map) {
        const keyStart = this.#f;
        const key = this.#flowScalar(eol, true) as string;
        if (key === '__proto__' || Object.hasOwn(entries, key)) throw DECLINE;
        const keyEnd = this.#f;
        if (t.charCodeAt(keyEnd) !== COLON || t.charCodeAt(keyEnd + 1) !== SPACE) throw DECLINE;
        this.#f += 2;
        this.#flowSpaces();
        const value = this.#flowScalar(eol, false);
        if (tree) {
          entries[key] = true; // only to find duplicates
          nodes.push({
            key,
            keyNode: this.#scalarAt(keyStart, keyEnd),
            value: value as SyntaxNode,
          });
        } else entries[key] = value;
      } else {
        items.push(this.#flowScalar(eol, false));
      }
      this.#flowSpaces();
      const c = t.charCodeAt(this.#f);
      if (c === close) return done();
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
      const value = this.#quoted(start, end);
      return this.#tree && !key ? this.#scalarAt(start, end) : value;
    }
    if (c === LBRACKET || c === LBRACE) {
      if (key || ++this.#depth > MAX_DEPTH) throw DECLINE;
      const nested = this.#flow(start, eol);
      this.#depth--;
      return nested;
    }
    return this.#flowPlain(start, key);
  }

  /** A plain scalar at `start` inside a flow collection; `key` for a flow mapping's key. */
  #flowPlain(start: number, key: boolean): unknown {
    const t = this.#t;
    const c = t.charCodeAt(start);
    // `-1`, `.5`: resolved below; a lone `-` or `.` is left to js-yaml.
    if ((c === DASH || c === 46) && !isFlowChar(t.charCodeAt(start + 1))) throw DECLINE;
    // A colon is part of the scalar when a scalar character follows it (`localhost:9898/healthz`).
    let j = start;
    for (let k = c; ; k = t.charCodeAt(++j)) {
      if (!isFlowChar(k) && !(k === COLON && j > start && isFlowChar(t.charCodeAt(j + 1)))) break;
    }
    if (j === start) throw DECLINE;
    this.#f = j;
    if (this.#tree && !key) return node(start, j, SCALAR_STYLE.PLAIN, true);
    const value = plainAt(t, start, j, key);
    if (value === NOT_A_KEY) throw DECLINE;
    return value;
  }

  /**
   * A literal block scalar (`|` or `|-`) whose indicator is at `i`, under a parent at column `indent`.
   * Its lines are those indented deeper than the first one's indentation; empty lines count too.
   */
  #literal(i: number, eol: number, indent: number): unknown {
    const t = this.#t;
    const n = this.#n;
    let j = i + 1;
    const strip = t.charCodeAt(j) === DASH;
    if (strip) j++;
    // `|+`, `|2` and other indicators are left to js-yaml.
    if (t.charCodeAt(j) !== SPACE && t.charCodeAt(j) !== NL && j < n) throw DECLINE;
    this.#rest(j, eol);
    const first = eol + 1;
    // The first line sets the indentation; leading empty lines are left to js-yaml.
    let k = first;
    while (t.charCodeAt(k) === SPACE) k++;
    const own = k - first;
    if (k >= n || t.charCodeAt(k) === NL || own <= indent) throw DECLINE;
    const lines = this.#literalLines(first, own);
    // The empty lines after the last content line are not part of its value (clip and strip drop
    // them), but they are part of its text.
    if (this.#tree) {
      const chomping = strip ? CHOMPING_MODE.STRIP : CHOMPING_MODE.CLIP;
      return node(first, this.#p, SCALAR_STYLE.LITERAL_BLOCK, false, chomping, own);
    }
    return strip ? lines : `${lines}\n`;
  }

  /**
   * The lines of a literal block scalar from the line start `p`, indented by `own`, joined (without
   * the final line break); leaves `#p` at the first line after them.
   */
  #literalLines(p: number, own: number): string {
    const t = this.#t;
    const n = this.#n;
    let out = '';
    let pendingBreaks = 0;
    let lines = 0;
    while (p < n) {
      let k = p;
      while (t.charCodeAt(k) === SPACE) k++;
      // Spaces beyond the indentation on an empty line, or at the very end of the text, would be
      // content: left to js-yaml.
      if ((k >= n || t.charCodeAt(k) === NL) && k - p > own) throw DECLINE;
      if (k >= n) break;
      if (t.charCodeAt(k) === NL) {
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
    this.#p = p;
    return out;
  }
}

/**
 * The value of one YAML document in the subset described above, exactly as js-yaml reads it, or
 * undefined when the document is outside that subset (js-yaml must read it).
 */
export function readBlockDocument(text: string): { value: unknown } | undefined {
  if (OUTSIDE.test(text)) return undefined;
  try {
    return { value: new Reader(text, false).document() };
  } catch (thrown) {
    if (thrown === DECLINE) return undefined;
    throw thrown;
  }
}

/**
 * The syntax tree of one YAML document in the subset described above, exactly as `buildTree` builds
 * it from js-yaml's events, or undefined when the document is outside that subset.
 */
export function readBlockTree(text: string): SyntaxNode | undefined {
  if (OUTSIDE.test(text)) return undefined;
  try {
    return new Reader(text, true).document() as SyntaxNode;
  } catch (thrown) {
    if (thrown === DECLINE) return undefined;
    throw thrown;
  }
}
