import { formatDuration } from 'lameduck/duration';
import { type CommandSpec, flagName, formatDefault, type OptionSpec } from './spec.js';

/**
 * The one place the project's address is written in the code: every help links to the page of its
 * command under docs/ there. A test checks it against package.json's `repository` and `homepage`.
 */
export const REPOSITORY_URL = 'https://github.com/lameduck-dev/lameduck';

/** `load` → the address of docs/load.md in the repository. */
export function docsUrl(page: string): string {
  return `${REPOSITORY_URL}/blob/main/docs/${page}.md`;
}

/** The `--help` text of a command, generated from the same spec that parses its flags. */
export function commandUsage(command: CommandSpec): string {
  const positionals = (command.positionals ?? [])
    .map((p) => {
      const name = `<${p.name}>${p.variadic ? '...' : ''}`;
      return p.required ? name : `[${name}]`;
    })
    .join(' ');
  const rest = command.rest ? ' [-- <command> [args...]]' : '';
  const lines = [
    `Usage: lameduck ${command.name}${positionals ? ` ${positionals}` : ''} [options]${rest}`,
    '',
    command.description ?? command.summary,
  ];
  if (command.positionals?.length || command.rest) {
    lines.push('', 'Arguments:');
    for (const p of command.positionals ?? []) lines.push(row(`<${p.name}>`, p.description));
    if (command.rest) lines.push(row('-- <command>', command.rest));
  }
  lines.push('', 'Options:');
  for (const [key, option] of Object.entries(command.options)) {
    if (option.hidden) continue;
    lines.push(row(flagLabel(key, option), describeOption(option)));
  }
  lines.push(row('-h, --help', 'Show this help'));
  lines.push(row('    --version', 'Show the version of lameduck'));
  if (command.examples?.length) {
    lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  }
  lines.push('', `Docs: ${docsUrl(command.name)}`);
  return `${lines.join('\n')}\n`;
}

function flagLabel(key: string, option: OptionSpec): string {
  const short = option.short ? `-${option.short}, ` : '    ';
  const value = option.kind === 'boolean' ? '' : ` ${option.valueName ?? valueHint(option)}`;
  return `${short}--${flagName(key)}${value}`;
}

function valueHint(option: OptionSpec): string {
  switch (option.kind) {
    case 'duration':
      return '<duration>';
    case 'integer':
    case 'number':
      return '<n>';
    case 'enum':
      return `<${(option.choices ?? []).join('|')}>`;
    default:
      return '<value>';
  }
}

function describeOption(option: OptionSpec): string {
  const hasDefault =
    option.default !== undefined && !(Array.isArray(option.default) && option.default.length === 0);
  return hasDefault
    ? `${option.description} (default: ${formatDefault(option, formatDuration)})`
    : option.description;
}

function row(label: string, text: string): string {
  const pad = 34;
  return label.length >= pad - 2
    ? `  ${label}\n  ${' '.repeat(pad)}${text}`
    : `  ${label.padEnd(pad)}${text}`;
}
