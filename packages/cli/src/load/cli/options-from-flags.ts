import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parseDuration } from 'lameduck/duration';
import { usageError } from '../../core/errors.js';
import { invalidOption, LoadError } from '../errors.js';
import {
  type LoadOptions,
  type OptionFlags,
  parseTarget,
  type RampOptions,
  resolveOptions,
  type TargetOptions,
} from '../options.js';
import type { LoadContext, LoadFlags } from './flags.js';
import { readTargetsFile } from './targets-file.js';
import { parseClassBudgets, type Thresholds } from './thresholds.js';

type Context = Pick<LoadContext, 'options' | 'positionals' | 'rest' | 'given' | 'io'>;

/** The flag each checked `runLoad` option comes from, as error messages name it. */
export const OPTION_FLAGS: OptionFlags = {
  url: '<url>',
  targets: '--targets',
  rate: '--rate',
  ramp: '--ramp',
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

/** `100..1000/30s` → a ramp; usage errors name --ramp. */
export function parseRamp(text: string): RampOptions {
  const match = /^\s*([\d.e+]+)\s*\.\.\s*([\d.e+]+)\s*\/\s*(\S+)\s*$/.exec(text);
  const fail = () =>
    usageError(
      `lameduck load: --ramp expects <from>..<to>/<duration>, e.g. 100..1000/30s, got "${text}"`,
    );
  if (!match) throw fail();
  const [, from, to, duration] = match as unknown as [string, string, string, string];
  let durationMs: number;
  try {
    durationMs = parseDuration(duration, '--ramp');
  } catch {
    throw fail();
  }
  if (!Number.isFinite(Number(from)) || !Number.isFinite(Number(to))) throw fail();
  return { from: Number(from), to: Number(to), durationMs };
}

/** `auto` or a whole number >= 1. */
function parseConnections(text: string): number | 'auto' {
  if (text === 'auto') return 'auto';
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1) {
    throw invalidOption(
      'connections',
      'a whole number >= 1, or auto',
      text,
      OPTION_FLAGS.connections,
    );
  }
  return n;
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

/** The URLs to load: the positional one and every `--url`, checked, each naming its flag. */
function urlTargets(context: Context): TargetOptions[] {
  const urls: TargetOptions[] = [];
  const [positional, ...extra] = context.positionals;
  if (extra.length > 0) {
    throw usageError(
      `lameduck load: unexpected argument "${extra[0]}" (repeat --url for more URLs; put the command to run after \`--\`)`,
    );
  }
  if (positional !== undefined) {
    parseTarget(positional, OPTION_FLAGS);
    urls.push({ url: positional });
  }
  for (const url of context.options.url) {
    parseTarget(url, { url: '--url' });
    urls.push({ url });
  }
  return urls;
}

/**
 * Turns parsed flags into `runLoad` options and checks them before the run starts: every problem is a
 * `LoadError` (exit 2) whose message names the flag the value came from.
 */
export async function loadOptionsFromFlags(context: Context): Promise<LoadOptions> {
  const { options, io, given } = context;
  const fromFile =
    options.targets === undefined ? [] : await readTargetsFile(options.targets, io.cwd);
  const targets = [...urlTargets(context), ...fromFile];
  if (targets.length === 0) {
    throw usageError('lameduck load: missing argument <url> (or --url, or --targets <file>)');
  }
  const headers = Object.fromEntries(options.header.map(parseHeader));
  const body = await readBody(options, io.cwd);
  const withCommand = context.rest.length > 0;
  const ramp = options.ramp === undefined ? undefined : parseRamp(options.ramp);
  if (ramp && given.has('rate'))
    throw usageError('lameduck load: give either --rate or --ramp, not both');
  // a ramp without --duration lasts as long as the ramp
  const durationMs =
    withCommand && !given.has('duration')
      ? undefined
      : ramp && !given.has('duration')
        ? ramp.durationMs
        : options.duration;
  const loadOptions: LoadOptions = {
    targets,
    ...(ramp ? { ramp } : { rate: options.rate }),
    ...(durationMs === undefined ? {} : { durationMs }),
    connections: parseConnections(options.connections),
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
  // the targets of the file first, alone, so that an error names its place in the file
  if (fromFile.length > 0) {
    resolveOptions(
      { ...loadOptions, targets: fromFile },
      { ...OPTION_FLAGS, targets: `--targets ${options.targets}` },
    );
  }
  resolveOptions(loadOptions, OPTION_FLAGS);
  return loadOptions;
}

/**
 * The thresholds the flags ask for. `--max-failures` (default 0) holds unless `--max-failure-rate`
 * or `--max-failures-per-class` is given without it: then those decide.
 */
export function thresholdsFromFlags(context: Pick<LoadContext, 'options' | 'given'>): Thresholds {
  const { options, given } = context;
  const others = given.has('maxFailureRate') || given.has('maxFailuresPerClass');
  return {
    maxFailures: given.has('maxFailures') || !others ? options.maxFailures : null,
    maxFailureRate: options.maxFailureRate ?? null,
    maxFailuresPerClass:
      options.maxFailuresPerClass === undefined
        ? null
        : parseClassBudgets(options.maxFailuresPerClass, '--max-failures-per-class'),
    maxP99Ms: options.maxP99 ?? null,
  };
}
