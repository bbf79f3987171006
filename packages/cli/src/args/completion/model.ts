import { type CommandSpec, flagName, type OptionSpec, type PositionalSpec } from '../spec.js';

/**
 * What a shell needs to complete `lameduck`, derived from the same specs that parse the flags and
 * print the help, so the three completion scripts and the parser cannot disagree.
 */
export interface CompletionModel {
  readonly program: string;
  readonly commands: readonly CommandCompletion[];
}

export interface CommandCompletion {
  readonly name: string;
  readonly summary: string;
  readonly flags: readonly FlagCompletion[];
  /** By position; the last one repeats when it is variadic. */
  readonly positionals: readonly ValueCompletion[];
  readonly variadic: boolean;
  /** Takes `-- <command> [args...]`. */
  readonly rest: boolean;
}

export interface FlagCompletion {
  /** `--rate` */
  readonly long: string;
  /** `-H`, when the flag has a one-letter alias. */
  readonly short: string | undefined;
  readonly description: string;
  /** What follows the flag; undefined for a switch. */
  readonly value: ValueCompletion | undefined;
  /** May be given more than once (list options). */
  readonly repeatable: boolean;
}

/** One of the choices; a comma-separated list of them; a file name; or free text (nothing offered). */
export type ValueCompletion =
  | { readonly kind: 'choices'; readonly name: string; readonly choices: readonly string[] }
  | { readonly kind: 'list'; readonly name: string; readonly choices: readonly string[] }
  | { readonly kind: 'file'; readonly name: string }
  | { readonly kind: 'text'; readonly name: string };

/** Placeholders and argument names that stand for a file or folder (`<file>`, `<path>`, `<paths>`). */
const FILE_NAMES = /^<?(file|files|path|paths|dir|folder)>?$/;

/** Every word offered to a shell: flags and choices are plain words, so no script needs quoting. */
const PLAIN_WORD = /^[A-Za-z0-9][\w.:/+-]*$/;

/** The flags every command takes, handled by the parser itself. */
const COMMON_FLAGS: readonly FlagCompletion[] = [
  { long: '--help', short: '-h', description: 'Show help', value: undefined, repeatable: false },
  {
    long: '--version',
    short: undefined,
    description: 'Show the version of lameduck',
    value: undefined,
    repeatable: false,
  },
];

/** The pseudo-command `help <command>` and the root flags are part of the model too. */
export function completionModel(specs: readonly CommandSpec[]): CompletionModel {
  const commands = specs.map(commandCompletion);
  commands.push({
    name: 'help',
    summary: 'Show the help of a command',
    flags: [],
    positionals: [{ kind: 'choices', name: 'command', choices: specs.map((s) => s.name) }],
    variadic: false,
    rest: false,
  });
  for (const command of commands) {
    const choices = command.positionals.flatMap((p) => ('choices' in p ? p.choices : []));
    for (const word of [command.name, ...command.flags.flatMap(flagWords), ...choices]) {
      checkWord(word);
    }
  }
  return { program: 'lameduck', commands };
}

function commandCompletion(spec: CommandSpec): CommandCompletion {
  const flags = Object.entries(spec.options)
    .filter(([, option]) => !option.hidden)
    .map(([key, option]) => flagCompletion(key, option));
  const positionals = (spec.positionals ?? []).map(positionalCompletion);
  return {
    name: spec.name,
    summary: spec.summary,
    flags: [...flags, ...COMMON_FLAGS],
    positionals,
    variadic: spec.positionals?.at(-1)?.variadic === true,
    rest: spec.rest !== undefined,
  };
}

function flagCompletion(key: string, option: OptionSpec): FlagCompletion {
  return {
    long: `--${flagName(key)}`,
    short: option.short === undefined ? undefined : `-${option.short}`,
    description: option.description,
    value: optionValue(key, option),
    repeatable: option.kind === 'list',
  };
}

function optionValue(key: string, option: OptionSpec): ValueCompletion | undefined {
  const name = flagName(key);
  if (option.kind === 'boolean') return undefined;
  if (option.kind === 'enum') return { kind: 'choices', name, choices: option.choices ?? [] };
  if (option.kind === 'list' && option.choices) {
    return { kind: 'list', name, choices: option.choices };
  }
  if (option.valueName !== undefined && FILE_NAMES.test(option.valueName)) {
    return { kind: 'file', name };
  }
  return { kind: 'text', name };
}

function positionalCompletion(spec: PositionalSpec): ValueCompletion {
  if (spec.choices) return { kind: 'choices', name: spec.name, choices: spec.choices };
  if (FILE_NAMES.test(spec.name)) return { kind: 'file', name: spec.name };
  return { kind: 'text', name: spec.name };
}

/** Every word a script will offer for a flag (its names and its choices). */
export function flagWords(flag: FlagCompletion): string[] {
  const choices =
    flag.value?.kind === 'choices' || flag.value?.kind === 'list' ? flag.value.choices : [];
  return [flag.long.replace(/^--/, ''), ...(flag.short ? [flag.short.slice(1)] : []), ...choices];
}

function checkWord(word: string): void {
  if (!PLAIN_WORD.test(word)) {
    throw new Error(`completion: "${word}" is not a plain word and would need quoting`);
  }
}

/** Text for a single-quoted shell string: `it's` → `it'\''s`. */
export function singleQuoted(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
