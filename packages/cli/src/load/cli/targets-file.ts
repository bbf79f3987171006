import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isRecord } from '../../core/records.js';
import { LoadError } from '../errors.js';
import type { TargetOptions } from '../options.js';

const KEYS = new Set(['url', 'method', 'headers', 'body', 'bodyFile', 'weight']);

/**
 * Reads `--targets <file>`: a JSON array of targets (or `{ "targets": [...] }`), each
 * `{ "url", "method"?, "headers"?: { name: value }, "body"? | "bodyFile"?, "weight"? }`. A `bodyFile`
 * is read relative to the targets file. The values themselves are checked with the other options.
 * @throws {LoadError} `ERR_LAMEDUCK_LOAD_TARGETS` (exit 2) naming the file, the target and the key
 */
export async function readTargetsFile(file: string, cwd: string): Promise<TargetOptions[]> {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  const fail = (what: string, cause?: unknown) =>
    new LoadError(
      'ERR_LAMEDUCK_LOAD_TARGETS',
      `lameduck load: --targets ${file}: ${what}`,
      'targets',
      cause === undefined ? undefined : { cause },
    );
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fail(`cannot read the file (${(error as NodeJS.ErrnoException).code ?? error})`, error);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw fail(`expects JSON, got ${(error as Error).message}`, error);
  }
  const list = isRecord(parsed) && Array.isArray(parsed.targets) ? parsed.targets : parsed;
  if (!Array.isArray(list) || list.length === 0) {
    throw fail('expects a non-empty JSON array of targets (or {"targets": [...]})');
  }
  const targets: TargetOptions[] = [];
  for (const [i, entry] of list.entries()) {
    targets.push(await readTarget(entry, `target ${i + 1}`, dirname(path), fail));
  }
  return targets;
}

type Fail = (what: string, cause?: unknown) => LoadError;

/** Checks the shape of one entry and reads its `bodyFile`; the values are checked later. */
async function readTarget(
  entry: unknown,
  where: string,
  dir: string,
  fail: Fail,
): Promise<TargetOptions> {
  if (!isRecord(entry)) throw fail(`${where} expects an object, got ${JSON.stringify(entry)}`);
  const unknown = Object.keys(entry).find((key) => !KEYS.has(key));
  if (unknown !== undefined) {
    throw fail(`${where} has an unknown key "${unknown}" (known: ${[...KEYS].join(', ')})`);
  }
  const { url, method, headers, body, bodyFile, weight } = entry;
  const expect = (key: string, what: string, ok: boolean, value: unknown) => {
    if (!ok) throw fail(`${where} "${key}" expects ${what}, got ${JSON.stringify(value)}`);
  };
  expect('url', 'a string', typeof url === 'string', url);
  expect('method', 'a string', method === undefined || typeof method === 'string', method);
  const stringsOnly =
    headers === undefined ||
    (isRecord(headers) && Object.values(headers).every((v) => typeof v === 'string'));
  expect('headers', 'an object of strings', stringsOnly, headers);
  expect('body', 'a string', body === undefined || typeof body === 'string', body);
  expect('bodyFile', 'a path', bodyFile === undefined || typeof bodyFile === 'string', bodyFile);
  expect('weight', 'a number', weight === undefined || typeof weight === 'number', weight);
  if (body !== undefined && bodyFile !== undefined)
    throw fail(`${where} has both "body" and "bodyFile"`);
  let content = body as string | Buffer | undefined;
  if (typeof bodyFile === 'string') {
    const bodyPath = isAbsolute(bodyFile) ? bodyFile : resolve(dir, bodyFile);
    try {
      content = await readFile(bodyPath);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      throw fail(`${where} "bodyFile" ${bodyFile} cannot be read (${reason})`, error);
    }
  }
  return {
    url: url as string,
    ...(method === undefined ? {} : { method: method as string }),
    ...(headers === undefined ? {} : { headers: headers as Record<string, string> }),
    ...(content === undefined ? {} : { body: content }),
    ...(weight === undefined ? {} : { weight: weight as number }),
  };
}
