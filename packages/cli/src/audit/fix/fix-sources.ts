import { parseAllDocuments } from 'yaml';
import type { Source } from '../../manifest/types.js';
import { type AuditConfig, audit } from '../audit.js';
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
}

/** How many YAML errors the `yaml` package finds: a fix must never add one. */
function yamlErrors(source: Source): number {
  if (source.type !== 'yaml') return 0;
  return parseAllDocuments(source.text).reduce((n, doc) => n + doc.errors.length, 0);
}

/** Applies edits to a text. Edits must not overlap; they are applied from the end backwards. */
function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const edit of sorted) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

/** Keeps edits that do not overlap an edit already taken; the rest wait for the next round. */
function compatible(edits: readonly Edit[]): Edit[] {
  const taken: Edit[] = [];
  for (const edit of edits) {
    const clash = taken.some((t) =>
      t.start === t.end && edit.start === edit.end
        ? t.start === edit.start
        : edit.start < t.end && t.start < edit.end,
    );
    if (!clash) taken.push(edit);
  }
  return taken;
}

/**
 * Applies every safe fix, re-audits, and repeats until nothing fixable is left. Returns the new text
 * of each changed source; nothing is written here.
 */
export function fixSources(sources: readonly Source[], config: AuditConfig): FixResult {
  let current = [...sources];
  let fixed = 0;
  const refused = new Set<string>();
  // The yaml parser is the slow part of fixing: count each text's errors once.
  const errorCounts = new Map<string, number>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const { findings } = audit(current, config);
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
      const edits: Edit[] = [];
      let count = 0;
      for (const f of list) {
        const ok = compatible([...edits, ...(f.edits ?? [])]);
        if (ok.length === edits.length + (f.edits?.length ?? 0)) {
          edits.push(...(f.edits ?? []));
          count++;
        }
      }
      if (edits.length === 0 || refused.has(source.file)) return source;
      const next = { ...source, text: applyEdits(source.text, edits) };
      const errorsBefore = errorCounts.get(source.text) ?? yamlErrors(source);
      const errorsAfter = yamlErrors(next);
      errorCounts.set(next.text, errorsAfter);
      if (errorsAfter > errorsBefore) {
        refused.add(source.file);
        return source;
      }
      fixed += count;
      progressed = true;
      return next;
    });
    if (!progressed) break;
  }
  const changed = new Map<string, { before: string; after: string; source: Source }>();
  sources.forEach((source, i) => {
    const after = current[i]?.text ?? source.text;
    if (after !== source.text) changed.set(source.file, { before: source.text, after, source });
  });
  return { changed, fixed, refused: [...refused] };
}
