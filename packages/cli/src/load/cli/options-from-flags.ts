import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LameduckError, usageError } from '../core/errors.js';
import type { LoadContext, LoadFlags } from './flags.js';
import { parseTarget } from './options.js';
import type { LoadOptions } from './types.js';

type Context = Pick<LoadContext, 'options' | 'positionals' | 'rest' | 'given' | 'io'>;

/** `Name: value` → [name, value]. */
function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw usageError(`lameduck load: --header expects "Name: value", got "${text}"`);
  }
  return [name, text.slice(colon + 1).trim()];
}

async function readBody(options: LoadFlags, cwd: string): Promise<string | Buffer | undefined> {
  if (options.body !== undefined && options.bodyFile !== undefined) {
    throw usageError('lameduck load: give either --body or --body-file, not both');
  }
  if (options.bodyFile === undefined) return options.body;
  const path = isAbsolute(options.bodyFile) ? options.bodyFile : resolve(cwd, options.bodyFile);
  try {
    return await readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new LameduckError(
      'ERR_LAMEDUCK_INPUT',
      `lameduck load: cannot read --body-file "${options.bodyFile}" (${reason})`,
      { exitCode: 2 },
    );
  }
}

/** Checks before the run that a report file can be written where asked (its folder exists). */
async function checkOutput(flag: string, file: string | undefined, cwd: string): Promise<void> {
  if (file === undefined) return;
  const folder = dirname(resolve(cwd, file));
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw usageError(`lameduck load: ${flag} "${file}": folder ${folder} does not exist`);
  }
}

/** Turns parsed flags into `runLoad` options; every problem is a usage error naming the flag. */
export async function loadOptionsFromFlags(context: Context): Promise<LoadOptions> {
  const { options, io } = context;
  const url = context.positionals[0] as string;
  try {
    parseTarget(url);
  } catch {
    throw usageError(
      `lameduck load: <url> expects an absolute http:// or https:// URL, got "${url}"`,
    );
  }
  const headers = Object.fromEntries(options.header.map(parseHeader));
  const body = await readBody(options, io.cwd);
  await checkOutput('--json', options.json, io.cwd);
  await checkOutput('--html', options.html, io.cwd);
  const withCommand = context.rest.length > 0;
  return {
    url,
    rate: options.rate,
    ...(withCommand && !context.given.has('duration') ? {} : { durationMs: options.duration }),
    connections: options.connections,
    keepalive: options.keepalive === 'on',
    maxRequestsPerConnection: options.maxRequestsPerConnection,
    timeoutMs: options.timeout,
    method: options.method,
    headers,
    ...(body === undefined ? {} : { body }),
    http2: options.http2,
    insecure: options.insecure,
    failOn4xx: options.failOn === '4xx',
    closedLoop: options.closedLoop,
  };
}
