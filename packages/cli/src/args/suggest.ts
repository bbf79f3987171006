/**
 * "Did you mean …?" for unknown subcommands and flags: the one candidate the word is a prefix of, or
 * else the closest by edit distance when it is close enough to be a typo (2 edits, or a third of the
 * word's length for long words, at most 3).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const extending = candidates.filter((c) => c.startsWith(word) && c !== word);
  if (extending.length === 1) return extending[0];
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.max(2, Math.floor(word.length / 3))) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      const substitution = diagonal + (a[i - 1] === b[j - 1] ? 0 : 1);
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, substitution);
      diagonal = above;
    }
  }
  return row[b.length] as number;
}
