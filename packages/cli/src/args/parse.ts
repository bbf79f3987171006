import { parseDuration } from 'lameduck/duration';
import { usageError } from '../core/errors.js';
import {
  flagName,
  type OptionSpec,
  type OptionSpecs,
  type ParsedOptions,
  type PositionalSpec,
} from './spec.js';
import { closest } from './suggest.js';

export interface ParsedArgs<S extends OptionSpecs> {
  options: ParsedOptions<S>;
  positionals: string[];
  rest: string[];
  given: Set<string>;
  /** `--help` or `-h` was given: show the command's help, whatever else is missing. */
  help: boolean;
  /** `--version` was given (after any subcommand, like before it): print the version. */
  version: boolean;
}

interface ParseTarget {
  readonly name: string;
  readonly options: OptionSpecs;
  readonly rest?: string;
  readonly positionals?: readonly PositionalSpec[];
}

interface FlagToken {
  key: string;
  option: OptionSpec;
  /** `--name` as the user should see it. */
  flag: string;
  inline: string | undefined;
  negated: boolean;
}

const NEGATIVE_NUMBER = /^-\d/;
const NUMERIC = new Set(['number', 'integer', 'duration']);

/**
 * Parses argv against a command's option spec. Every mistake is a usage error (exit 2) whose message
 * names the flag, what it expects and what it got.
 */
export function parseArgs<S extends OptionSpecs>(
  command: ParseTarget & { options: S },
  argv: readonly string[],
): ParsedArgs<S> {
  const values: Record<string, unknown> = {};
  const given = new Set<string>();
  const positionals: string[] = [];
  let rest: string[] = [];
  let help = false;
  let version = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      rest = takeRest(command, argv.slice(i + 1), positionals);
      break;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
    } else if (arg === '--version') {
      version = true;
    } else if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
    } else {
      const token = resolveFlag(command, arg);
      let raw = token.inline;
      if (token.option.kind !== 'boolean' && raw === undefined) {
        raw = argv[i + 1];
        if (
          raw === undefined ||
          (raw.startsWith('-') && raw !== '-' && !isNegativeNumber(token.option, raw))
        ) {
          throw usageError(
            `lameduck ${command.name}: ${token.flag} needs a value (${expectation(token.option)})`,
          );
        }
        i++;
      }
      store(command.name, token, raw, values, given);
    }
  }

  if (!help && !version) checkPositionals(command, positionals);
  applyDefaults(command.options, values);
  return { options: values as ParsedOptions<S>, positionals, rest, given, help, version };
}

function takeRest(command: ParseTarget, after: string[], positionals: string[]): string[] {
  if (!command.rest) {
    positionals.push(...after);
    return [];
  }
  if (after.length === 0) {
    throw usageError(`lameduck ${command.name}: \`--\` must be followed by a command`);
  }
  return after;
}

function isNegativeNumber(option: OptionSpec, raw: string): boolean {
  return NUMERIC.has(option.kind) && NEGATIVE_NUMBER.test(raw);
}

function resolveFlag(command: ParseTarget, arg: string): FlagToken {
  const long = arg.startsWith('--');
  const eq = arg.indexOf('=');
  const name = long ? arg.slice(2, eq === -1 ? undefined : eq) : arg.slice(1, 2);
  let inline: string | undefined;
  if (long) inline = eq === -1 ? undefined : arg.slice(eq + 1);
  else if (arg.length > 2) inline = arg.slice(arg[2] === '=' ? 3 : 2);

  const entries = Object.entries(command.options);
  const match = long
    ? entries.find(([key]) => flagName(key) === name)
    : entries.find(([, option]) => option.short === name);
  if (match) {
    return {
      key: match[0],
      option: match[1],
      flag: `--${flagName(match[0])}`,
      inline,
      negated: false,
    };
  }
  const positive = long && name.startsWith('no-') ? name.slice(3) : undefined;
  const negatable = entries.find(([key, o]) => flagName(key) === positive && o.kind === 'boolean');
  if (negatable) {
    const [key, option] = negatable;
    return { key, option, flag: `--${flagName(key)}`, inline, negated: true };
  }
  throw unknownFlag(command, long ? `--${name}` : `-${name}`);
}

function store(
  command: string,
  token: FlagToken,
  raw: string | undefined,
  values: Record<string, unknown>,
  given: Set<string>,
): void {
  const { key, option, flag } = token;
  if (option.kind === 'boolean') {
    if (raw !== undefined && raw !== 'true' && raw !== 'false') {
      throw usageError(`lameduck ${command}: ${flag} is a switch and takes no value, got "${raw}"`);
    }
    values[key] = raw !== 'false' && !token.negated;
  } else if (option.kind === 'list') {
    const list = (values[key] as string[] | undefined) ?? [];
    list.push(...convertList(command, flag, option, raw as string));
    values[key] = list;
  } else {
    if (given.has(key)) throw usageError(`lameduck ${command}: ${flag} was given more than once`);
    values[key] = convert(command, flag, option, raw as string);
  }
  given.add(key);
}

function applyDefaults(options: OptionSpecs, values: Record<string, unknown>): void {
  for (const [key, option] of Object.entries(options)) {
    if (key in values) continue;
    if (option.default !== undefined) {
      values[key] = Array.isArray(option.default) ? [...option.default] : option.default;
    } else if (option.kind === 'boolean') values[key] = false;
    else if (option.kind === 'list') values[key] = [];
  }
}

function checkPositionals(command: ParseTarget, positionals: string[]): void {
  const specs = command.positionals ?? [];
  const required = specs.filter((p) => p.required).length;
  if (positionals.length < required) {
    const missing = specs[positionals.length];
    throw usageError(`lameduck ${command.name}: missing argument <${missing?.name ?? 'argument'}>`);
  }
  const variadic = specs.at(-1)?.variadic === true;
  if (!variadic && positionals.length > specs.length) {
    const extra = positionals[specs.length] as string;
    const hint = command.rest ? ' (put the command to run after `--`)' : '';
    throw usageError(`lameduck ${command.name}: unexpected argument "${extra}"${hint}`);
  }
  positionals.forEach((value, index) => {
    const spec = specs[Math.min(index, specs.length - 1)];
    if (spec?.choices && !spec.choices.includes(value)) {
      const suggestion = closest(value, spec.choices);
      throw usageError(
        `lameduck ${command.name}: <${spec.name}> expects one of ${spec.choices.join(', ')}, got "${value}"${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
      );
    }
  });
}

function bounds(option: OptionSpec): string {
  const { min, max } = option;
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

function expectation(option: OptionSpec): string {
  switch (option.kind) {
    case 'integer':
      return `a whole number${bounds(option)}`;
    case 'number':
      return `a number${bounds(option)}`;
    case 'duration':
      return `a duration such as 500ms, 5s or 2m${bounds(option) ? ` (in ms:${bounds(option)})` : ''}`;
    case 'enum':
      return `one of ${(option.choices ?? []).join(', ')}`;
    case 'list':
      return option.choices ? `a comma-separated list of ${option.choices.join(', ')}` : 'a value';
    default:
      return option.valueName ? `a value ${option.valueName}` : 'a value';
  }
}

function inBounds(option: OptionSpec, n: number): boolean {
  return !(
    (option.min !== undefined && n < option.min) ||
    (option.max !== undefined && n > option.max)
  );
}

function convert(command: string, flag: string, option: OptionSpec, raw: string): unknown {
  const fail = () =>
    usageError(`lameduck ${command}: ${flag} expects ${expectation(option)}, got "${raw}"`);
  if (option.kind === 'string') return raw;
  if (option.kind === 'enum') {
    if (!option.choices?.includes(raw)) throw fail();
    return raw;
  }
  let n: number;
  if (option.kind === 'duration') {
    try {
      n = parseDuration(raw, flag);
    } catch {
      throw fail();
    }
  } else {
    n = raw.trim() === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(n) || (option.kind === 'integer' && !Number.isInteger(n))) throw fail();
  }
  if (!inBounds(option, n)) throw fail();
  return n;
}

function convertList(command: string, flag: string, option: OptionSpec, raw: string): string[] {
  if (!option.choices) return [raw];
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = items.find((item) => !option.choices?.includes(item));
  if (bad !== undefined) {
    throw usageError(`lameduck ${command}: ${flag} expects ${expectation(option)}, got "${bad}"`);
  }
  return items;
}

function unknownFlag(command: ParseTarget, shown: string) {
  const names = Object.keys(command.options).map((k) => `--${flagName(k)}`);
  const suggestion = closest(shown, names);
  return usageError(
    `lameduck ${command.name}: unknown option ${shown}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
  );
}
