// Where a finding of rendered Helm output is in its chart template: the line of the template (on
// disk, relative to the working directory) that holds the same key as the rendered line, when exactly
// one line does. Templates are text with `{{ }}`, so this is a best guess, and only ever a line number.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Source } from '../../manifest/types.js';
import type { Finding } from '../finding.js';

/** The key of a YAML line (`  - name: web` → `name`, `seconds: 5` → `seconds`), or undefined. */
function keyOf(line: string): string | undefined {
  let text = line.trim();
  if (text.startsWith('- ')) text = text.slice(2).trim();
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const key = text.slice(0, colon).trim();
  return key.includes(' ') || key.includes('{') ? undefined : key;
}

export async function withTemplateLines(
  findings: readonly Finding[],
  sources: readonly Source[],
  cwd: string,
): Promise<Finding[]> {
  const texts = new Map(sources.map((s) => [s.file, s.text]));
  const split = new Map<string, string[]>();
  const renderedLine = (file: string, line: number) => {
    let lines = split.get(file);
    if (!lines) {
      lines = texts.get(file)?.split('\n') ?? [];
      split.set(file, lines);
    }
    return lines[line - 1] ?? '';
  };
  const templates = new Map<string, string[] | undefined>();
  const out: Finding[] = [];
  for (const f of findings) {
    if (!f.template) {
      out.push(f);
      continue;
    }
    const { file } = f.template;
    if (!templates.has(file)) {
      const text = await readFile(resolve(cwd, file), 'utf8').catch(() => undefined);
      templates.set(file, text?.split('\n'));
    }
    const lines = templates.get(file);
    const rendered = renderedLine(f.file, f.position.line);
    const key = keyOf(rendered);
    const hits = key && lines ? lines.flatMap((l, i) => (keyOf(l) === key ? [i + 1] : [])) : [];
    out.push(hits.length === 1 ? { ...f, template: { file, line: hits[0] as number } } : f);
  }
  return out;
}
