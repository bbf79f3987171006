import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { CliError } from '../errors.js';
import type { Source } from './types.js';

const MANIFEST = /\.(ya?ml|json)$/i;
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'vendor']);

/** `Dockerfile`, `Containerfile`, `api.Dockerfile`, `Dockerfile.prod`. */
export function isDockerfileName(name: string): boolean {
  return (
    /^(Dockerfile|Containerfile)(\.[\w.-]+)?$/i.test(name) ||
    /\.(dockerfile|containerfile)$/i.test(name)
  );
}

function typeOf(path: string): Source['type'] | undefined {
  const name = basename(path);
  if (isDockerfileName(name)) return 'dockerfile';
  if (MANIFEST.test(name)) return 'yaml';
  return undefined;
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) await walk(full, out);
    } else if (entry.isFile() && typeOf(entry.name)) out.push(full);
  }
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export interface ReadSourcesOptions {
  readonly cwd: string;
  readonly stdin: Readable;
}

/**
 * Reads every input: `-` is stdin (YAML, or a Dockerfile when it starts like one), directories are
 * searched recursively for manifests and Dockerfiles, files are read as given. A path that does not
 * exist, or a directory without anything to audit, is an input error (exit 2).
 */
export async function readSources(
  paths: readonly string[],
  options: ReadSourcesOptions,
): Promise<Source[]> {
  const sources: Source[] = [];
  for (const path of paths) {
    if (path === '-') {
      const text = await readAll(options.stdin);
      sources.push({ file: '-', text, type: looksLikeDockerfile(text) ? 'dockerfile' : 'yaml' });
      continue;
    }
    const full = resolve(options.cwd, path);
    const info = await stat(full).catch((error: NodeJS.ErrnoException) => {
      throw new CliError(
        'E_INPUT',
        `lameduck audit: cannot read ${path}: ${error.code ?? error.message}`,
        2,
      );
    });
    const files: string[] = [];
    if (info.isDirectory()) {
      await walk(full, files);
      if (files.length === 0) {
        throw new CliError(
          'E_INPUT',
          `lameduck audit: ${path} holds no .yaml, .yml, .json or Dockerfile`,
          2,
        );
      }
    } else files.push(full);
    for (const file of files) {
      const shown = relative(options.cwd, file) || file;
      const text = await readFile(file, 'utf8');
      const type = typeOf(file) ?? (looksLikeDockerfile(text) ? 'dockerfile' : 'yaml');
      const scripts = type === 'dockerfile' ? await packageScripts(dirname(file)) : undefined;
      sources.push({ file: shown, text, type, ...(scripts ? { scripts } : {}) });
    }
  }
  return sources;
}

/** The `scripts` of `dir/package.json`, so Dockerfile findings can name what `npm start` runs. */
async function packageScripts(dir: string): Promise<Record<string, string> | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      scripts?: unknown;
    };
    if (typeof parsed.scripts !== 'object' || parsed.scripts === null) return undefined;
    const entries = Object.entries(parsed.scripts).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    );
    return Object.fromEntries(entries);
  } catch {
    return undefined; // no package.json, or not JSON: the finding stays generic
  }
}

function looksLikeDockerfile(text: string): boolean {
  const first = /^[ \t]*([^\s#].*)$/m.exec(text.slice(0, 4096))?.[1];
  return first !== undefined && /^(FROM|ARG)\s/i.test(first);
}
