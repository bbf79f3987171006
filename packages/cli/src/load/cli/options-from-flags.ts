import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { usageError } from '../../core/errors.js';
import { invalidOption, LoadError } from '../errors.js';
import { type LoadOptions, type OptionFlags, parseTarget, resolveOptions } from '../options.js';
import type { LoadContext, LoadFlags } from './flags.js';

type Context = Pick<LoadContext, 'options' | 'positionals' | 'rest' | 'given' | 'io'>;

/** The flag each checked `runLoad` option comes from, as error messages name it. */
export const OPTION_FLAGS: OptionFlags = {
  url: '<url>',
  rate: '--rate',
  durationMs: '--duration',
  connections: '--connections',
  maxRequestsPerConnection: '--max-requests-per-connection',
  timeoutMs: '--timeout',
  method: '--method',
  headers: '-H/--header',
};

/** `Name: value` → [name, value]. */
function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw invalidOption('headers', '"Name: value"', text, OPTION_FLAGS.headers);
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
    throw new LoadError(
      'ERR_LAMEDUCK_LOAD_BODY_FILE',
      `lameduck load: cannot read --body-file "${options.bodyFile}" (${reason})`,
      'body',
      { cause: error },
    );
  }
}

/**
 * Turns parsed flags into `runLoad` options and checks them before the run starts: every problem is a
 * `LoadError` (exit 2) whose message names the flag the value came from.
 */
export async function loadOptionsFromFlags(context: Context): Promise<LoadOptions> {
  const { options, io } = context;
  const url = context.positionals[0] as string;
  parseTarget(url, OPTION_FLAGS);
  const headers = Object.fromEntries(options.header.map(parseHeader));
  const body = await readBody(options, io.cwd);
  const withCommand = context.rest.length > 0;
  const loadOptions: LoadOptions = {
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
  resolveOptions(loadOptions, OPTION_FLAGS);
  return loadOptions;
}
