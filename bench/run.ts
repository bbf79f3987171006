// `npm run bench`: runs every benchmark suite (bench/<suite>/bench.ts) and writes bench/RESULTS.md.
// Each suite renders its own section; `npm run bench -- load audit` runs only those suites and keeps
// the other sections of RESULTS.md as they were. Suites report ratios against the best peer measured
// in the same run, with the command that reproduces each figure.
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { arch, cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchContext {
  /** A scratch directory for this suite, inside bench/.work (ignored by git). */
  readonly workDir: string;
  /** Progress lines go here (stderr), so RESULTS.md stays the only output. */
  log(message: string): void;
}

export interface BenchSuite {
  /** Section heading in RESULTS.md. */
  readonly title: string;
  /** Returns the section's Markdown (without the heading). */
  run(context: BenchContext): Promise<string>;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const resultsPath = join(here, 'RESULTS.md');
const begin = (name: string) => `<!-- bench:${name} -->`;
const end = (name: string) => `<!-- /bench:${name} -->`;

function suites(): string[] {
  return readdirSync(here)
    .filter((name) => !name.startsWith('.') && statSync(join(here, name)).isDirectory())
    .filter((name) => {
      try {
        return statSync(join(here, name, 'bench.ts')).isFile();
      } catch {
        return false;
      }
    })
    .sort();
}

function previousSections(): Map<string, string> {
  const sections = new Map<string, string>();
  let text = '';
  try {
    text = readFileSync(resultsPath, 'utf8');
  } catch {
    return sections;
  }
  const pattern = /<!-- bench:([\w-]+) -->\n([\s\S]*?)<!-- \/bench:\1 -->/g;
  for (const match of text.matchAll(pattern)) sections.set(match[1] as string, match[2] as string);
  return sections;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const all = suites();
  const unknown = wanted.filter((w) => !all.includes(w));
  if (unknown.length) {
    console.error(`bench: unknown suite ${unknown.join(', ')}; known: ${all.join(', ')}`);
    process.exit(2);
  }
  const sections = previousSections();
  for (const name of all) {
    if (wanted.length && !wanted.includes(name)) continue;
    const module = (await import(join(here, name, 'bench.ts'))) as { default: BenchSuite };
    const workDir = join(here, '.work', name);
    const started = Date.now();
    console.error(`bench: ${name} ...`);
    const body = await module.default.run({
      workDir,
      log: (message) => console.error(`bench[${name}]: ${message}`),
    });
    const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
    const took = Math.round((Date.now() - started) / 1000);
    sections.set(
      name,
      `## ${module.default.title}\n\n_Run ${when} UTC, took ${took} s._\n\n${body.trim()}\n\n`,
    );
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const header = `# Benchmark results

Written by \`npm run bench\` (\`npm run bench -- <suite>\` re-runs one section). The machine is shared
and noisy, so every figure is a ratio against the best peer measured in the same run; absolute numbers
are given for context only. Machine of the last run: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB,
Linux ${release()} ${arch()}, Node ${process.version}.

`;
  const body = all
    .filter((name) => sections.has(name))
    .map((name) => `${begin(name)}\n${sections.get(name)}${end(name)}\n`)
    .join('\n');
  const tmp = `${resultsPath}.${process.pid}.tmp`;
  writeFileSync(tmp, header + body);
  renameSync(tmp, resultsPath);
  console.error(`bench: wrote ${resultsPath}`);
}

await main();
