// A Dockerfile reader for what the auditor needs: the instructions of every stage, each with the line
// and column it starts at, and whether CMD/ENTRYPOINT use the exec (JSON) or the shell form; and what
// the final image runs, following `FROM <earlier stage>` as Docker does.
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

/** One `FROM` and the instructions after it. */
export interface Stage {
  /** The image or earlier stage it starts from (`node:22-slim`, `build`, `scratch`). */
  readonly base: string;
  /** Its `AS` name, if any. */
  readonly name: string | undefined;
  /** Its instructions, FROM first. */
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  readonly source: Source;
  /** Instructions of the last stage (from its FROM on). */
  readonly finalStage: readonly Instruction[];
  readonly stages: readonly Stage[];
  /** Rule ids suppressed by a `# lameduck.dev/ignore: rule,rule` comment. */
  readonly ignored: ReadonlySet<string>;
}

/** What the final image runs: its ENTRYPOINT and CMD, possibly set in an earlier stage it builds on. */
export interface RunCommand {
  readonly entrypoint: Instruction | undefined;
  readonly cmd: Instruction | undefined;
  /** The shell of shell-form instructions (`SHELL`, default `/bin/sh -c`). */
  readonly shell: readonly string[];
  /** The image the chain of stages starts from (not a stage of this file). */
  readonly baseImage: string;
  /** Whether ENTRYPOINT or CMD comes from a stage before the final one. */
  readonly inherited: boolean;
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

/** The leading keyword of an instruction line: indentation, letters, then blank or end of line. */
function keywordOf(line: string): { indent: number; keyword: string; rest: string } | undefined {
  let i = 0;
  while (line[i] === ' ' || line[i] === '\t') i++;
  const indent = i;
  while (i < line.length && /[A-Za-z]/.test(line[i] as string)) i++;
  if (i === indent) return undefined;
  const after = line[i];
  if (after !== undefined && after !== ' ' && after !== '\t') return undefined;
  return { indent, keyword: line.slice(indent, i), rest: line.slice(i).trimStart() };
}

const IGNORE_PREFIX = 'lameduck.dev/ignore:';

/** The instructions of a Dockerfile's text, continuation lines joined, and its ignore comments. */
function instructionsOf(text: string): { all: Instruction[]; ignored: Set<string> } {
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
    if (trimmed.startsWith('#')) {
      const comment = trimmed.slice(1).trim();
      if (comment.startsWith(IGNORE_PREFIX))
        for (const id of comment.slice(IGNORE_PREFIX.length).split(',')) ignored.add(id.trim());
      continue;
    }
    const match = trimmed === '' ? undefined : keywordOf(line);
    if (!match) continue;
    let args = match.rest.trimEnd();
    const startLine = i;
    while (args.endsWith(escapeChar) && i + 1 < lines.length) {
      args = args.slice(0, -1);
      i++;
      const next = (lines[i] as string).replace(/\r$/, '').trim();
      offset += (lines[i] as string).length + 1;
      if (!next.startsWith('#')) args += ` ${next}`;
    }
    args = args.trim();
    all.push({
      keyword: match.keyword.toUpperCase(),
      args,
      position: { line: startLine + 1, column: match.indent + 1 },
      start: lineStart + match.indent,
      end: lineEnd(text, offset),
      exec: execForm(args),
    });
  }
  return { all, ignored };
}

/** The stages of a Dockerfile: each FROM with its base, its AS name and the instructions after it. */
function stagesOf(all: readonly Instruction[]): Stage[] {
  const stages: { base: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const ins of all) {
    if (ins.keyword !== 'FROM') {
      stages.at(-1)?.instructions.push(ins);
      continue;
    }
    const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
    const as = words.findIndex((w) => w.toUpperCase() === 'AS');
    stages.push({
      base: words[0] ?? '',
      name: as === -1 ? undefined : words[as + 1]?.toLowerCase(),
      instructions: [ins],
    });
  }
  return stages;
}

export function parseDockerfile(source: Source): Dockerfile {
  const { all, ignored } = instructionsOf(source.text);
  const stages = stagesOf(all);
  const finalStage = stages.at(-1)?.instructions ?? all;
  return { source, finalStage, stages, ignored };
}

const lastOf = (instructions: readonly Instruction[], keyword: string) =>
  instructions.filter((i) => i.keyword === keyword).at(-1);

/**
 * ENTRYPOINT and CMD of the final image as Docker sets them: a stage inherits both from the stage it
 * is built `FROM`; setting ENTRYPOINT in a stage clears an inherited CMD (Dockerfile reference, CMD).
 */
export function runCommand(dockerfile: Dockerfile): RunCommand | undefined {
  const { stages } = dockerfile;
  if (stages.length === 0) return undefined;
  const resolve = (index: number, depth: number): Omit<RunCommand, 'inherited'> => {
    const stage = stages[index] as Stage;
    const entry = lastOf(stage.instructions, 'ENTRYPOINT');
    const cmd = lastOf(stage.instructions, 'CMD');
    const shellIns = lastOf(stage.instructions, 'SHELL');
    const baseIndex = stages.findIndex(
      (s, k) => k < index && s.name !== undefined && s.name === stage.base.toLowerCase(),
    );
    const parent =
      baseIndex !== -1 && depth < stages.length
        ? resolve(baseIndex, depth + 1)
        : {
            entrypoint: undefined,
            cmd: undefined,
            shell: ['/bin/sh', '-c'],
            baseImage: stage.base,
          };
    return {
      entrypoint: entry ?? parent.entrypoint,
      cmd: cmd ?? (entry ? undefined : parent.cmd),
      shell: shellIns?.exec ?? parent.shell,
      baseImage: parent.baseImage,
    };
  };
  const final = resolve(stages.length - 1, 0);
  const own = new Set(stages.at(-1)?.instructions);
  const inherited =
    (final.entrypoint !== undefined && !own.has(final.entrypoint)) ||
    (final.cmd !== undefined && !own.has(final.cmd));
  return { ...final, inherited };
}
