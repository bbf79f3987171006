import { createRequire } from 'node:module';
import { parseArgs } from './args/parse.js';
import type { CommandSpec } from './args/spec.js';
import { closest } from './args/suggest.js';
import { commandUsage, REPOSITORY_URL } from './args/usage.js';
import { type CommandName, commandNames, commands, isCommandName } from './commands.js';
import { LameduckError, usageError } from './core/errors.js';
import type { Io } from './core/io.js';

export interface MainOptions {
  readonly argv: readonly string[];
  readonly io: Io;
  /** Aborted on the first Ctrl-C / SIGTERM. */
  readonly signal: AbortSignal;
  /** Lets a command that forwards signals install its own handlers (bin.ts passes a switch). */
  readonly onCommand?: (command: CommandSpec) => void;
}

export function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../package.json') as { version: string }).version;
}

export function rootUsage(): string {
  const width = Math.max(8, ...commandNames.map((n) => n.length)) + 2;
  const list = commandNames.map((n) => `  ${n.padEnd(width)}${commands[n].summary}`).join('\n');
  return `Usage: lameduck <command> [options]

Kubernetes rolling updates that lose zero requests, and the proof.

Commands:
${list}

Options:
  -h, --help     Show help (also: lameduck <command> --help, lameduck help <command>)
  -v, --version  Show the version (also after a command)

Exit codes: 0 success, 1 the check failed (see each command), 2 usage error.

Docs: ${REPOSITORY_URL}#readme
`;
}

/** `lameduck frob` → a usage error that suggests the closest command, if one is close. */
function unknownCommand(name: string): LameduckError {
  const suggestion = closest(name, [...commandNames, 'help']);
  return new LameduckError(
    'ERR_LAMEDUCK_UNKNOWN_COMMAND',
    `lameduck: unknown command "${name}"${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
    { exitCode: 2 },
  );
}

/** Runs the CLI and returns the exit code. Never calls process.exit. */
export async function main(options: MainOptions): Promise<number> {
  const { argv, io } = options;
  try {
    return await dispatch(options);
  } catch (error) {
    if (!(error instanceof LameduckError)) throw error;
    io.stderr.write(`${error.message}\n`);
    if (error.code === 'ERR_LAMEDUCK_USAGE' || error.code === 'ERR_LAMEDUCK_UNKNOWN_COMMAND') {
      const name = argv[0] !== undefined && isCommandName(argv[0]) ? ` ${argv[0]}` : '';
      io.stderr.write(`Run 'lameduck${name} --help' for usage.\n`);
    }
    return error.exitCode;
  }
}

/** The root flags and `help <command>`, then the subcommand. */
async function dispatch(options: MainOptions): Promise<number> {
  const { argv, io } = options;
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    io.stdout.write(rootUsage());
    return first === undefined ? 2 : 0;
  }
  if (first === 'help') {
    const [topic] = rest;
    if (topic === undefined) {
      io.stdout.write(rootUsage());
      return 0;
    }
    if (!isCommandName(topic)) throw unknownCommand(topic);
    return runCommand(topic, ['--help'], options);
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  if (first.startsWith('-')) {
    const suggestion = closest(first, ['--help', '--version']);
    throw usageError(
      `lameduck: unknown option ${first}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
    );
  }
  if (!isCommandName(first)) throw unknownCommand(first);
  return runCommand(first, rest, options);
}

async function runCommand(
  name: CommandName,
  argv: readonly string[],
  { io, signal, onCommand }: MainOptions,
): Promise<number> {
  const command = await commands[name].load();
  const parsed = parseArgs(command, argv);
  if (parsed.help) {
    io.stdout.write(commandUsage(command));
    return 0;
  }
  if (parsed.version) {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  onCommand?.(command);
  return command.run({
    options: parsed.options,
    positionals: parsed.positionals,
    rest: parsed.rest,
    given: parsed.given,
    io,
    signal,
  });
}
