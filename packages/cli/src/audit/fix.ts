import { type AuditConfig, audit } from './audit.js';
import type { Edit, Finding, Source } from './types.js';
import { applyEdits } from './yaml-edit.js';

/** Fixing one finding can make another one fixable (a new preStop changes the grace budget): repeat. */
const MAX_ROUNDS = 4;

export interface FixResult {
  /** Sources whose text changed, with the new text. */
  readonly changed: ReadonlyMap<string, { before: string; after: string }>;
  /** How many findings a fix was applied for. */
  readonly fixed: number;
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
      for (const f of list) {
        const ok = compatible([...edits, ...(f.edits ?? [])]);
        if (ok.length === edits.length + (f.edits?.length ?? 0)) {
          edits.push(...(f.edits ?? []));
          fixed++;
        }
      }
      if (edits.length === 0) return source;
      progressed = true;
      return { ...source, text: applyEdits(source.text, edits) };
    });
    if (!progressed) break;
  }
  const changed = new Map<string, { before: string; after: string }>();
  sources.forEach((source, i) => {
    const after = current[i]?.text ?? source.text;
    if (after !== source.text) changed.set(source.file, { before: source.text, after });
  });
  return { changed, fixed };
}
