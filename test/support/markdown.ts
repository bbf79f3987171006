// Reads the parts of the project's Markdown that tests check: fenced code blocks marked as runnable,
// and links. Only what CommonMark renders as such counts: fences and links inside code blocks or
// inline code are text.
import { readFileSync } from 'node:fs';

/**
 * A fenced block whose info string has the word `runnable` after its language:
 *
 *     ```sh runnable
 *     npx lameduck --version
 *     ```
 *
 * `exit=N` (default 0) is the status the block's last command must end with; every command before
 * it must succeed. `timeout=N` is the time the block may take in seconds (default 60).
 */
export interface RunnableBlock {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly language: string;
  readonly code: string;
  readonly exit: number;
  readonly timeoutMs: number;
  /** 1-based line, within `code`, of the last command (the last line that is neither blank nor a comment). */
  readonly lastCommandLine: number;
}

export interface FencedBlock {
  readonly line: number;
  readonly info: string;
  readonly code: string;
}

const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;

/** Every fenced code block of a Markdown text, with the line of its opening fence. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] as string);
    if (!open) continue;
    const [, , fence = '', info = ''] = open;
    if (fence.startsWith('`') && info.includes('`')) continue; // an inline code span, not a fence
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j] as string);
      if (close && close[2]?.[0] === fence[0] && (close[2]?.length ?? 0) >= fence.length) {
        if ((close[3] ?? '').trim() === '') break;
      }
      body.push(lines[j] as string);
    }
    blocks.push({ line: i + 1, info: info.trim(), code: body.join('\n') });
    i = j;
  }
  return blocks;
}

const SHELLS = new Set(['sh', 'bash', 'shell']);

/** The runnable blocks of one Markdown file; a `runnable` block in another language is an error. */
export function runnableBlocks(path: string, shownAs: string): RunnableBlock[] {
  const blocks: RunnableBlock[] = [];
  for (const block of fencedBlocks(readFileSync(path, 'utf8'))) {
    const [language = '', ...words] = block.info.split(/\s+/);
    if (!words.includes('runnable')) continue;
    if (!SHELLS.has(language)) {
      throw new Error(
        `${shownAs}:${block.line}: a runnable block must be sh or bash, not "${language}"`,
      );
    }
    const attributes = new Map(
      words.filter((w) => w.includes('=')).map((w) => w.split('=', 2) as [string, string]),
    );
    for (const key of attributes.keys()) {
      if (key !== 'exit' && key !== 'timeout') {
        throw new Error(`${shownAs}:${block.line}: unknown attribute ${key}= (exit=, timeout=)`);
      }
    }
    const lines = block.code.split('\n');
    const last = lines.findLastIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    blocks.push({
      file: shownAs,
      line: block.line,
      language,
      code: block.code,
      exit: Number(attributes.get('exit') ?? 0),
      timeoutMs: Number(attributes.get('timeout') ?? 60) * 1000,
      lastCommandLine: last + 1,
    });
  }
  return blocks;
}

export interface MarkdownLink {
  readonly line: number;
  readonly target: string;
}

/**
 * Inline links and images (`[text](target)`, `![alt](target "title")`) and reference definitions
 * (`[name]: target`), outside fenced blocks and inline code.
 */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  const inFence = new Set<number>();
  for (const block of fencedBlocks(markdown)) {
    const length = block.code === '' ? 0 : block.code.split('\n').length;
    for (let l = block.line; l <= block.line + length + 1; l++) inFence.add(l);
  }
  markdown.split('\n').forEach((text, index) => {
    const line = index + 1;
    if (inFence.has(line)) return;
    const prose = text.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length));
    for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ line, target: match[1] as string });
    }
    const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(prose);
    if (definition) links.push({ line, target: definition[1] as string });
  });
  return links;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const inFence = new Set<number>();
  for (const block of fencedBlocks(markdown)) {
    const length = block.code === '' ? 0 : block.code.split('\n').length;
    for (let l = block.line; l <= block.line + length + 1; l++) inFence.add(l);
  }
  markdown.split('\n').forEach((text, index) => {
    if (inFence.has(index + 1)) return;
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!heading) return;
    const slug = (heading[1] as string)
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  });
  return anchors;
}
