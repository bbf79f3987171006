import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { LameduckError } from '../../core/errors.js';
import { isRecord } from '../../core/records.js';
import type { Source } from '../../manifest/types.js';

const MANIFEST = /\.(ya?ml|json)$/i;
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'vendor']);

const NOT_A_DOCKERFILE =
  /\.(ts|tsx|js|mjs|cjs|go|py|rb|rs|java|md|txt|json|ya?ml|sh|bak|orig|swp|dockerignore)$/i;

/** `Dockerfile`, `Containerfile`, `Dockerfile.prod`, `api.Dockerfile` — not `dockerfile.ts` or `Dockerfile.md`. */
export function isDockerfileName(name: string): boolean {
  if (NOT_A_DOCKERFILE.test(name)) return false;
  return (
    /^(Dockerfile|Containerfile|dockerfile)(\.[\w.-]+)?$/.test(name) ||
    /\.(dockerfile|containerfile)$/i.test(name)
  );
}

function typeOf(path: string): Source['type'] | undefined {
  const name = basename(path);
  if (isDockerfileName(name)) return 'dockerfile';
  if (MANIFEST.test(name)) return 'yaml';
  return undefined;
}

/** A path that cannot be read: a usage error naming the path as given and why (exit 2). */
function unreadable(shown: string, error: unknown): LameduckError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new LameduckError(
    'ERR_LAMEDUCK_AUDIT_UNREADABLE',
    `lameduck audit: cannot read ${shown}: ${reason}`,
    {
      exitCode: 2,
      cause: error,
    },
  );
}

async function walk(dir: string, out: string[], cwd: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
    throw unreadable(relative(cwd, dir) || dir, error);
  });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) await walk(full, out, cwd);
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

/** What was read, and what was found but left out. */
export interface ReadSources {
  readonly sources: Source[];
  /** Files found in directories that were left out, and why (Helm templates must be rendered first). */
  readonly skipped: readonly { file: string; reason: 'template' }[];
}

/**
 * Whether a file found by walking a directory is worth auditing. Files named on the command line are
 * always audited; in a directory, YAML and JSON that never mention `apiVersion` and `kind` (CI
 * workflows, tsconfig.json, values.yaml) are not Kubernetes manifests, and Go templates (`{{ }}`,
 * Helm's templates/) cannot be parsed before they are rendered.
 */
function kindOfFound(type: Source['type'], text: string): 'audit' | 'ignore' | 'template' {
  if (type === 'dockerfile') return 'audit';
  if (!/\bapiVersion\b/.test(text) || !/\bkind\b/.test(text)) return 'ignore';
  return text.includes('{{') ? 'template' : 'audit';
}

/**
 * Reads every input: `-` is stdin (YAML, or a Dockerfile when it starts like one), directories are
 * searched recursively for manifests and Dockerfiles, files are read as given. A path that cannot be
 * read (ERR_LAMEDUCK_AUDIT_UNREADABLE), or a directory without anything to audit
 * (ERR_LAMEDUCK_AUDIT_EMPTY_FOLDER), is an input error: exit 2.
 */
export async function readSources(
  paths: readonly string[],
  options: ReadSourcesOptions,
): Promise<ReadSources> {
  const sources: Source[] = [];
  const skipped: { file: string; reason: 'template' }[] = [];
  for (const path of paths) {
    if (path === '-') {
      const text = await readAll(options.stdin);
      sources.push({ file: '-', text, type: looksLikeDockerfile(text) ? 'dockerfile' : 'yaml' });
      continue;
    }
    const { files, walked } = await filesOf(path, options.cwd);
    for (const file of files) {
      const found = await readFound(file, walked, options.cwd);
      if (found.kind === 'template') skipped.push({ file: found.file, reason: 'template' });
      else if (found.kind === 'source') sources.push(found.source);
    }
  }
  return { sources, skipped };
}

type Found =
  | { readonly kind: 'source'; readonly source: Source }
  | { readonly kind: 'template'; readonly file: string }
  | { readonly kind: 'ignore' };

async function readFound(file: string, walked: boolean, cwd: string): Promise<Found> {
  const shown = relative(cwd, file) || file;
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw unreadable(shown, error);
  });
  const type = typeOf(file) ?? (looksLikeDockerfile(text) ? 'dockerfile' : 'yaml');
  const verdict = walked ? kindOfFound(type, text) : 'audit';
  if (verdict === 'template') return { kind: 'template', file: shown };
  if (verdict === 'ignore') return { kind: 'ignore' };
  const scripts = type === 'dockerfile' ? await packageScripts(dirname(file)) : undefined;
  return { kind: 'source', source: { file: shown, text, type, ...(scripts ? { scripts } : {}) } };
}

/** The file itself, or the candidate files of a directory (an error when there are none). */
async function filesOf(path: string, cwd: string): Promise<{ files: string[]; walked: boolean }> {
  const full = resolve(cwd, path);
  const info = await stat(full).catch((error: unknown) => {
    throw unreadable(path, error);
  });
  if (!info.isDirectory()) return { files: [full], walked: false };
  const files: string[] = [];
  await walk(full, files, cwd);
  if (files.length === 0) {
    throw new LameduckError(
      'ERR_LAMEDUCK_AUDIT_EMPTY_FOLDER',
      `lameduck audit: ${path} holds no .yaml, .yml, .json or Dockerfile`,
      { exitCode: 2 },
    );
  }
  return { files, walked: true };
}

/** The `scripts` of `dir/package.json`, so Dockerfile findings can name what `npm start` runs. */
async function packageScripts(dir: string): Promise<Record<string, string> | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    if (!isRecord(parsed) || !isRecord(parsed.scripts)) return undefined;
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
