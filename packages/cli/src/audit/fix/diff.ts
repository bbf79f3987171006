// A unified diff of two texts (for `--fix --dry-run`), from the longest common subsequence of lines.

type Op = { kind: ' ' | '-' | '+'; line: string };

function lineOps(a: readonly string[], b: readonly string[]): Op[] {
  // Trim the common head and tail first: fixes touch a few lines of large files.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () =>
    new Array<number>(y.length + 1).fill(0),
  );
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] =
        x[i] === y[j]
          ? ((lcs[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as number[])[j] as number, row[j + 1] as number);
    }
  }
  const ops: Op[] = a.slice(0, head).map((line) => ({ kind: ' ', line }));
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      ops.push({ kind: ' ', line: x[i++] as string });
      j++;
    } else if (
      i < x.length &&
      (j === y.length ||
        ((lcs[i + 1] as number[])[j] as number) >= ((lcs[i] as number[])[j + 1] as number))
    ) {
      ops.push({ kind: '-', line: x[i++] as string });
    } else ops.push({ kind: '+', line: y[j++] as string });
  }
  for (const line of a.slice(a.length - tail)) ops.push({ kind: ' ', line });
  return ops;
}

/** The lines of a text, each with its line break; the last one has none when the text ends without. */
const lines = (text: string): string[] => (text === '' ? [] : text.split(/(?<=\n)/));

/** A diff line: the line without its break; a last line without one is marked as diff(1) marks it. */
const shown = (kind: string, line: string): string =>
  line.endsWith('\n')
    ? `${kind}${line.slice(0, -1)}`
    : `${kind}${line}\n\\ No newline at end of file`;

/**
 * `--- a/file` / `+++ b/file` and hunks with three lines of context, as `git apply` and `patch` read
 * them (a last line without a line break is marked). Empty when nothing changed.
 */
export function unifiedDiff(file: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const ops = lineOps(lines(before), lines(after));
  const out = [`--- a/${file}`, `+++ b/${file}`];
  let k = 0;
  while (k < ops.length) {
    if ((ops[k] as Op).kind === ' ') {
      k++;
      continue;
    }
    const start = Math.max(0, k - context);
    let end = k;
    // Extend the hunk while changes are within 2 × context lines of each other.
    for (let m = k; m < ops.length; m++) {
      if ((ops[m] as Op).kind !== ' ') end = m;
      else if (m - end > 2 * context) break;
    }
    const stop = Math.min(ops.length, end + context + 1);
    let oldLine = 1;
    let newLine = 1;
    for (let m = 0; m < start; m++) {
      if ((ops[m] as Op).kind !== '+') oldLine++;
      if ((ops[m] as Op).kind !== '-') newLine++;
    }
    const hunk = ops.slice(start, stop);
    const oldCount = hunk.filter((o) => o.kind !== '+').length;
    const newCount = hunk.filter((o) => o.kind !== '-').length;
    out.push(
      `@@ -${oldLine},${oldCount} +${newLine},${newCount} @@`,
      ...hunk.map((o) => shown(o.kind, o.line)),
    );
    k = stop;
  }
  return `${out.join('\n')}\n`;
}
