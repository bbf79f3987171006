import type { Io } from '../core/io.js';

/** How a flag's value is read. `duration` values are milliseconds (`5s`, `500ms`, `2m`). */
export type OptionKind = 'string' | 'number' | 'integer' | 'boolean' | 'duration' | 'enum' | 'list';

export interface OptionSpec {
  readonly kind: OptionKind;
  readonly description: string;
  /** The default, in the option's parsed type. Booleans default to false, lists to []. */
  readonly default?: string | number | boolean | readonly string[];
  /** One-letter alias, without the dash. */
  readonly short?: string;
  /** Placeholder shown in help, e.g. `<n>`. */
  readonly valueName?: string;
  /** Allowed values for `enum` (and for every item of a `list` when given). */
  readonly choices?: readonly string[];
  /** Inclusive bounds for number, integer and duration options. */
  readonly min?: number;
  readonly max?: number;
  /** Hides the option from help (still parsed). */
  readonly hidden?: boolean;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<O> = O extends { kind: 'boolean' }
  ? boolean
  : O extends { kind: 'number' | 'integer' | 'duration' }
    ? number
    : O extends { kind: 'list' }
      ? string[]
      : O extends { choices: readonly (infer C)[] }
        ? C
        : string;

/** The parsed options of a spec: options with a default (and booleans, lists) are always present. */
export type ParsedOptions<S extends OptionSpecs> = {
  -readonly [K in keyof S]: S[K] extends { default: unknown }
    ? ValueOf<S[K]>
    : S[K]['kind'] extends 'boolean' | 'list'
      ? ValueOf<S[K]>
      : ValueOf<S[K]> | undefined;
};

export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  /** Takes every remaining positional argument. Only the last positional may be variadic. */
  readonly variadic?: boolean;
  /** The values it accepts (checked, and offered by shell completion). */
  readonly choices?: readonly string[];
}

export interface CommandContext<S extends OptionSpecs> {
  readonly options: ParsedOptions<S>;
  /** Positional arguments, in order. */
  readonly positionals: string[];
  /** Everything after `--` (for commands with `rest`). */
  readonly rest: string[];
  /** Flags the user gave explicitly (camelCase keys), so defaults can be told from choices. */
  readonly given: ReadonlySet<string>;
  readonly io: Io;
  /** Aborted on the first Ctrl-C / SIGTERM (unless the command handles signals itself). */
  readonly signal: AbortSignal;
}

export interface CommandSpec<S extends OptionSpecs = OptionSpecs> {
  readonly name: string;
  /** One line, shown in `lameduck --help`. */
  readonly summary: string;
  /** Longer description for `lameduck <name> --help`. */
  readonly description?: string;
  readonly positionals?: readonly PositionalSpec[];
  /** Accepts `-- <command> [args...]`; the text is its help line. */
  readonly rest?: string;
  readonly options: S;
  readonly examples?: readonly string[];
  /** The command installs its own signal handlers (e.g. `run` forwards them); the CLI adds none. */
  readonly handlesSignals?: boolean;
  /** Runs the command and returns its exit code. Throws LameduckError for usage or input errors. */
  run(context: CommandContext<S>): Promise<number>;
}

/** Declares a command; the generic keeps option keys and kinds for the typed `options` object. */
export function defineCommand<const S extends OptionSpecs>(spec: CommandSpec<S>): CommandSpec<S> {
  return spec;
}

/** `maxFailures` → `max-failures` */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The default as the user would type it, for help text and docs (`5s`, `200`, `off`, `—`). */
export function formatDefault(option: OptionSpec, formatMs: (ms: number) => string): string {
  const value = option.default;
  if (value === undefined)
    return option.kind === 'boolean' ? 'false' : option.kind === 'list' ? '—' : '—';
  if (option.kind === 'duration' && typeof value === 'number') return formatMs(value);
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.join(',');
  return String(value);
}
