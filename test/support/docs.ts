// Checks that a page in docs/ documents every option of a command with the default the code uses.
// Convention for every command page: a Markdown table whose first column is the flag in backticks
// (`--rate <n>`) and whose second column is the default in backticks (`200`) or — for none.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type CommandSpec, flagName, formatDefault } from '../../packages/cli/src/args/spec.ts';
import { formatDuration } from '../../packages/lameduck/src/index.ts';

export interface DocumentedRow {
  /** The first cell's name without dashes or value hint: `--rate <n>` → `rate`, `LAMEDUCK_X` → `LAMEDUCK_X`. */
  name: string;
  /** The second cell with backticks removed. */
  default: string;
}

/** Reads every table row of a Markdown file whose first cell starts with a backticked name. */
export function readDocumentedRows(markdownPath: string | URL): DocumentedRow[] {
  const rows: DocumentedRow[] = [];
  for (const line of readFileSync(markdownPath, 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // | `--rate <n>` | `200` | text |  → ['', '`--rate <n>`', '`200`', 'text', '']
    const first = cells[1];
    const second = cells[2];
    if (!first?.startsWith('`') || second === undefined) continue;
    const name = /^`(?:-\w, )?(--?[\w-]+|\w[\w.]*)/.exec(first)?.[1];
    if (!name) continue;
    rows.push({ name: name.replace(/^--?/, ''), default: second.replace(/`/g, '').trim() });
  }
  return rows;
}

/** Asserts that the page lists every visible option of the command with the code's default. */
export function assertDocumentedDefaults(command: CommandSpec, markdownPath: string | URL): void {
  const documented = new Map(readDocumentedRows(markdownPath).map((r) => [r.name, r.default]));
  for (const [key, option] of Object.entries(command.options)) {
    if (option.hidden) continue;
    const flag = flagName(key);
    assert.ok(
      documented.has(flag),
      `--${flag} of 'lameduck ${command.name}' is not documented in ${markdownPath}`,
    );
    assert.equal(
      documented.get(flag),
      formatDefault(option, formatDuration),
      `documented default of --${flag} differs from the code`,
    );
  }
}
