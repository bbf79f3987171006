// A Dockerfile reader for what the auditor needs: the instructions of the final stage, each with the
// line and column it starts at, and whether CMD/ENTRYPOINT use the exec (JSON) or the shell form.
import type { Position, Source } from '../../manifest/types.js';

export interface Instruction {
  /** Upper-cased keyword: FROM, CMD, ENTRYPOINT, … */
  readonly keyword: string;
  /** The arguments, continuation lines joined, comments inside removed. */
  readonly args: string;
  readonly position: Position;
  /** Offsets of the whole instruction (keyword to end of its last line) in the source. */
  readonly start: number;
  readonly end: number;
  /** The exec-form argv, or undefined for the shell form. Invalid JSON is shell form, as Docker treats it. */
  readonly exec: readonly string[] | undefined;
}

export interface Dockerfile {
  readonly source: Source;
  /** Instructions of the last stage (from its FROM on). */
  readonly finalStage: readonly Instruction[];
  /** Rule ids suppressed by a `# lameduck.dev/ignore: rule,rule` comment. */
  readonly ignored: ReadonlySet<string>;
}

function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** End of the line before `next` (the next line's start), without its line break. */
function lineEnd(text: string, next: number): number {
  let end = Math.min(next - 1, text.length);
  if (text[end - 1] === '\r') end--;
  return end;
}

export function parseDockerfile(source: Source): Dockerfile {
  const text = source.text;
  const escapeChar = /^#\s*escape\s*=\s*`/im.test(text.split('\n', 5).join('\n')) ? '`' : '\\';
  const ignored = new Set<string>();
  const all: Instruction[] = [];
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const lineStart = offset;
    const line = (lines[i] as string).replace(/\r$/, '');
    offset += (lines[i] as string).length + 1;
    const trimmed = line.trim();
    const ignore = /^#\s*lameduck\.dev\/ignore:\s*(.+)$/.exec(trimmed);
    if (ignore) for (const id of (ignore[1] as string).split(',')) ignored.add(id.trim());
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = /^(\s*)([A-Za-z]+)(\s+|$)(.*)$/.exec(line);
    if (!match) continue;
    let args = (match[4] as string).trimEnd();
    const startLine = i;
    while (args.endsWith(escapeChar) && i + 1 < lines.length) {
      args = args.slice(0, -1);
      i++;
      const next = (lines[i] as string).replace(/\r$/, '');
      offset += (lines[i] as string).length + 1;
      if (next.trim().startsWith('#')) continue;
      args += ` ${next.trim()}`;
    }
    args = args.trim();
    all.push({
      keyword: (match[2] as string).toUpperCase(),
      args,
      position: { line: startLine + 1, column: (match[1] as string).length + 1 },
      start: lineStart + (match[1] as string).length,
      end: lineEnd(text, offset),
      exec: execForm(args),
    });
  }
  const lastFrom = all.map((ins) => ins.keyword).lastIndexOf('FROM');
  return { source, finalStage: lastFrom === -1 ? all : all.slice(lastFrom), ignored };
}
