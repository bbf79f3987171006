import { type Chunk, splitDocuments } from '../../manifest/line-index.js';
import { DocumentCache } from '../../manifest/parse.js';
import type { Source } from '../../manifest/types.js';
import { type AuditConfig, type AuditResult, audit } from '../audit.js';
import type { Edit, Finding } from '../finding.js';

/** Fixing one finding can make another one fixable (a new preStop changes the grace budget): repeat. */
const MAX_ROUNDS = 4;

export interface FixResult {
  /** Sources whose text changed, with the new text. */
  readonly changed: ReadonlyMap<string, { before: string; after: string; source: Source }>;
  /** How many findings a fix was applied for. */
  readonly fixed: number;
  /** Files left as they were because the fixed text would not parse (a bug: please report it). */
  readonly refused: readonly string[];
  /** The audit of the sources as they are after fixing, when the last round made it (else undefined). */
  readonly audited: AuditResult | undefined;
}

/**
 * Whether fixing `before` into `after` breaks a document: every document the fix changed is parsed
 * again, by the parser the audit reads it with, and its value kept for the next round's audit (which
 * then parses nothing twice). A fix must never make a document unreadable.
 */
function breaksDocument(before: Source, after: string, cache: DocumentCache): boolean {
  if (before.type !== 'yaml') return false;
  const a = splitDocuments(before.text);
  const b = splitDocuments(after);
  if (a.length !== b.length) return true; // a fix never adds or removes a document
  return b.some((chunk, i) => chunk.text !== (a[i] as Chunk).text && !cache.parse(chunk.text));
}

/**
 * Applies edits to a text. Edits must not overlap. The result is built once from the pieces between
 * the edits (slicing a large text once per edit would copy it once per edit).
 */
function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const pieces: string[] = [];
  let at = 0;
  for (const edit of sorted) {
    pieces.push(text.slice(at, edit.start), edit.text);
    at = edit.end;
  }
  pieces.push(text.slice(at));
  return pieces.join('');
}

/** Whether two edits clash: they overlap, or both insert at the same place. */
const clash = (a: Edit, b: Edit) =>
  a.start === a.end && b.start === b.end ? a.start === b.start : b.start < a.end && a.start < b.end;

/** Edits already taken in one source, kept sorted by start so that a new one is checked in O(log n). */
class TakenEdits {
  readonly list: Edit[] = [];

  /** Whether every edit of `edits` fits beside the taken ones (and beside each other). */
  fits(edits: readonly Edit[]): boolean {
    for (const [i, edit] of edits.entries()) {
      if (edits.slice(0, i).some((e) => clash(e, edit))) return false;
      let lo = 0;
      let hi = this.list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((this.list[mid] as Edit).start < edit.start) lo = mid + 1;
        else hi = mid;
      }
      // Neighbours by start: the one before may reach into it, those from `lo` on may start in it.
      if (lo > 0 && clash(this.list[lo - 1] as Edit, edit)) return false;
      for (let k = lo; k < this.list.length && (this.list[k] as Edit).start <= edit.end; k++)
        if (clash(this.list[k] as Edit, edit)) return false;
    }
    return true;
  }

  add(edits: readonly Edit[]): void {
    for (const edit of edits) {
      let at = this.list.findIndex((e) => e.start > edit.start);
      if (at === -1) at = this.list.length;
      this.list.splice(at, 0, edit);
    }
  }
}

/**
 * Applies every safe fix, re-audits, and repeats until nothing fixable is left. Returns the new text
 * of each changed source; nothing is written here.
 */
export function fixSources(sources: readonly Source[], config: AuditConfig): FixResult {
  let current = [...sources];
  let fixed = 0;
  const refused = new Set<string>();
  const cache = config.cache ?? new DocumentCache();
  const cached = { ...config, cache };
  let audited: AuditResult | undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const result = audit(current, cached);
    audited = result;
    const { findings } = result;
    const byFile = new Map<string, Finding[]>();
    for (const f of findings) {
      if (!f.edits) continue;
      const list = byFile.get(f.file) ?? [];
      list.push(f);
      byFile.set(f.file, list);
    }
    if (byFile.size === 0) break;
    let progressed = false;
    current = current.map((source) => {
      const list = byFile.get(source.file);
      if (!list) return source;
      const taken = new TakenEdits();
      let count = 0;
      for (const f of list) {
        if (!f.edits || !taken.fits(f.edits)) continue;
        taken.add(f.edits);
        count++;
      }
      const edits = taken.list;
      if (edits.length === 0 || refused.has(source.file)) return source;
      const next = { ...source, text: applyEdits(source.text, edits) };
      if (breaksDocument(source, next.text, cache)) {
        refused.add(source.file);
        return source;
      }
      fixed += count;
      progressed = true;
      return next;
    });
    if (!progressed) break;
    audited = undefined; // the sources changed after that audit
  }
  const changed = new Map<string, { before: string; after: string; source: Source }>();
  sources.forEach((source, i) => {
    const after = current[i]?.text ?? source.text;
    if (after !== source.text) changed.set(source.file, { before: source.text, after, source });
  });
  return { changed, fixed, refused: [...refused], audited };
}
