import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { LameduckError } from '../../core/errors.js';
import { isRecord } from '../../core/records.js';
import { parseManifests } from '../../manifest/parse.js';
import type { Source } from '../../manifest/types.js';
import { decode } from './decode.js';

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

/** Why a file found in a folder was not audited. */
export type SkipReason = 'template' | 'link-loop' | 'dangling-link' | 'encoding';

export interface Skipped {
  /** The path as shown (relative to the working directory). */
  readonly file: string;
  readonly reason: SkipReason;
  /** What to do about it, or what exactly went wrong. */
  readonly detail: string;
}

/** A folder being searched: files found, real paths already seen (links may lead back), what was left out. */
interface Walk {
  readonly cwd: string;
  readonly files: string[];
  readonly seenDirs: Set<string>;
  readonly seenFiles: Set<string>;
  readonly skipped: Skipped[];
}

/** What a folder entry is, links followed; undefined for a link to nothing (listed as skipped). */
async function kindOf(
  entry: Dirent,
  full: string,
  shown: string,
  state: Walk,
): Promise<'dir' | 'file' | undefined> {
  if (!entry.isSymbolicLink())
    return entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : undefined;
  // Links are followed, to files and folders alike; a link to nothing is listed, not hidden.
  const target = await stat(full).catch(() => undefined);
  if (!target) {
    if (typeOf(entry.name))
      state.skipped.push({ file: shown, reason: 'dangling-link', detail: 'a link to nothing' });
    return undefined;
  }
  return target.isDirectory() ? 'dir' : target.isFile() ? 'file' : undefined;
}

async function walk(dir: string, state: Walk): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
    throw unreadable(relative(state.cwd, dir) || dir, error);
  });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    const shown = relative(state.cwd, full) || full;
    const kind = await kindOf(entry, full, shown, state);
    if (kind === 'dir' && !SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) {
      const real = await realpath(full);
      if (state.seenDirs.has(real)) {
        state.skipped.push({
          file: shown,
          reason: 'link-loop',
          detail: `a link back to ${relative(state.cwd, real) || real}, already searched`,
        });
        continue;
      }
      state.seenDirs.add(real);
      await walk(full, state);
    } else if (kind === 'file' && typeOf(entry.name)) {
      // The same file reached twice (through a link) is read once.
      const real = await realpath(full);
      if (state.seenFiles.has(real)) continue;
      state.seenFiles.add(real);
      state.files.push(full);
    }
  }
}

export interface ReadSourcesOptions {
  readonly cwd: string;
  readonly stdin: Readable;
  /** The path stdin stands for in reports (`--stdin-filename`). */
  readonly stdinFilename?: string;
}

/** What was read, and what was found but left out. */
export interface ReadSources {
  readonly sources: Source[];
  /** Files that were found or named but could not be audited, and why. */
  readonly skipped: readonly Skipped[];
}

/** Whether a folder is (inside) the `templates/` folder of a Helm chart: a `Chart.yaml` beside it. */
async function inChartTemplates(file: string, root: string): Promise<boolean> {
  for (let dir = dirname(file); dir.startsWith(root) && dir !== dirname(dir); dir = dirname(dir)) {
    if (basename(dir) !== 'templates') continue;
    const chart = await stat(join(dirname(dir), 'Chart.yaml')).catch(() => undefined);
    if (chart?.isFile()) return true;
  }
  return false;
}

const RENDER_HINT =
  'a Helm/Go template: render it first (helm template <release> <chart> | lameduck audit -)';

/**
 * Whether a file found by walking a folder is worth auditing. Files named on the command line are
 * always audited; in a folder, YAML and JSON that never mention `apiVersion` and `kind` (CI
 * workflows, tsconfig.json, values.yaml) are not Kubernetes manifests. A chart's `templates/`, and
 * any file with `{{` that does not parse as YAML, is a template that must be rendered first; a file
 * that parses is audited, whatever its values hold (`{{` in a ConfigMap of rendered output).
 */
async function verdict(
  file: string,
  root: string,
  type: Source['type'],
  text: string,
): Promise<'audit' | 'ignore' | 'template'> {
  if (type === 'dockerfile') return 'audit';
  if (!/\bapiVersion\b/.test(text) || !/\bkind\b/.test(text)) return 'ignore';
  if (await inChartTemplates(file, root)) return 'template';
  if (!text.includes('{{')) return 'audit';
  return parseManifests({ file, text, type }).errors.length ? 'template' : 'audit';
}

/**
 * Reads every input: `-` is stdin (YAML, or a Dockerfile when it starts like one), folders are
 * searched recursively for manifests and Dockerfiles (links followed, loops listed), files are read
 * as given. A path that cannot be read (ERR_LAMEDUCK_AUDIT_UNREADABLE), or a folder without anything
 * to audit (ERR_LAMEDUCK_AUDIT_EMPTY_FOLDER), is an input error: exit 2. Files that are found but
 * cannot be audited (templates, links to nothing, text that is not UTF-8) are listed in `skipped`.
 */
export async function readSources(
  paths: readonly string[],
  options: ReadSourcesOptions,
): Promise<ReadSources> {
  const sources: Source[] = [];
  const skipped: Skipped[] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  for (const path of paths) {
    if (path === '-') {
      const found = await readStdin(options);
      if ('skipped' in found) skipped.push(found.skipped);
      else sources.push(found.source);
      continue;
    }
    const full = resolve(options.cwd, path);
    const info = await stat(full).catch((error: unknown) => {
      throw unreadable(path, error);
    });
    let files = [full];
    if (info.isDirectory()) {
      const state: Walk = { cwd: options.cwd, files: [], seenDirs, seenFiles, skipped };
      seenDirs.add(await realpath(full));
      await walk(full, state);
      if (
        state.files.length === 0 &&
        !skipped.some((s) => s.file.startsWith(relative(options.cwd, full)))
      )
        throw new LameduckError(
          'ERR_LAMEDUCK_AUDIT_EMPTY_FOLDER',
          `lameduck audit: ${path} holds no .yaml, .yml, .json or Dockerfile`,
          { exitCode: 2 },
        );
      files = state.files;
    } else {
      seenFiles.add(await realpath(full));
    }
    for (const file of files) {
      const found = await readFound(file, info.isDirectory() ? full : undefined, options.cwd);
      if (found.kind === 'skip') skipped.push(found.skipped);
      else if (found.kind === 'source') sources.push(found.source);
    }
  }
  return { sources, skipped };
}

/** Stdin as a source: YAML, or a Dockerfile when it starts like one or `--stdin-filename` says so. */
async function readStdin(
  options: ReadSourcesOptions,
): Promise<{ source: Source } | { skipped: Skipped }> {
  const shown = options.stdinFilename ?? '-';
  const decoded = decode(await readAll(options.stdin));
  if (!decoded.ok) return { skipped: { file: shown, reason: 'encoding', detail: decoded.reason } };
  const { text, encoding } = decoded;
  const named = options.stdinFilename ? typeOf(options.stdinFilename) : undefined;
  const type = named ?? (looksLikeDockerfile(text) ? 'dockerfile' : 'yaml');
  const scripts =
    type === 'dockerfile' && options.stdinFilename
      ? await packageScripts(dirname(resolve(options.cwd, options.stdinFilename)))
      : undefined;
  return {
    source: {
      file: shown,
      text,
      type,
      stdin: true,
      ...(encoding ? { encoding } : {}),
      ...(scripts ? { scripts } : {}),
    },
  };
}

type Found =
  | { readonly kind: 'source'; readonly source: Source }
  | { readonly kind: 'skip'; readonly skipped: Skipped }
  | { readonly kind: 'ignore' };

/** Reads one file; `root` is the folder it was found in, undefined when it was named. */
async function readFound(file: string, root: string | undefined, cwd: string): Promise<Found> {
  const shown = relative(cwd, file) || file;
  const bytes = await readFile(file).catch((error: unknown) => {
    throw unreadable(shown, error);
  });
  const decoded = decode(bytes);
  if (!decoded.ok)
    return { kind: 'skip', skipped: { file: shown, reason: 'encoding', detail: decoded.reason } };
  const { text, encoding } = decoded;
  const type = typeOf(file) ?? (looksLikeDockerfile(text) ? 'dockerfile' : 'yaml');
  const found = root === undefined ? 'audit' : await verdict(file, root + sep, type, text);
  if (found === 'template')
    return { kind: 'skip', skipped: { file: shown, reason: 'template', detail: RENDER_HINT } };
  if (found === 'ignore') return { kind: 'ignore' };
  const scripts = type === 'dockerfile' ? await packageScripts(dirname(file)) : undefined;
  return {
    kind: 'source',
    source: {
      file: shown,
      text,
      type,
      ...(encoding ? { encoding } : {}),
      ...(scripts ? { scripts } : {}),
    },
  };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
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
