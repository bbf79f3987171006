import { createRequire } from 'node:module';
import { parseArgs } from './args/parse.js';
import type { CommandSpec, OptionSpecs } from './args/spec.js';
import { commandUsage } from './args/usage.js';
import { commands } from './commands.js';
import { LameduckError, usageError } from './core/errors.js';
import type { Io } from './core/io.js';

export interface MainOptions {
  readonly argv: readonly string[];
  readonly io: Io;
  /** Aborted on the first Ctrl-C / SIGTERM. */
  readonly signal: AbortSignal;
  /** Lets a command that forwards signals install its own handlers (bin.ts passes a switch). */
  readonly onCommand?: (command: CommandSpec<OptionSpecs>) => void;
}

export function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../package.json') as { version: string }).version;
}

export function rootUsage(): string {
  const names = Object.keys(commands);
  const width = Math.max(8, ...names.map((n) => n.length)) + 2;
  const list = names.length
    ? names.map((n) => `  ${n.padEnd(width)}${commands[n]?.summary ?? ''}`).join('\n')
    : '  (none yet)';
  return `Usage: lameduck <command> [options]

Kubernetes rolling updates that lose zero requests, and the proof.

Commands:
${list}

Options:
  -h, --help     Show help (also: lameduck <command> --help)
  -v, --version  Show the version

Exit codes: 0 success, 1 the check failed (see each command), 2 usage error.
`;
}

/** Runs the CLI and returns the exit code. Never calls process.exit. */
export async function main({ argv, io, signal, onCommand }: MainOptions): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      const topic = first === 'help' ? rest[0] : undefined;
      if (topic !== undefined) return main({ argv: [topic, '--help'], io, signal });
      io.stdout.write(rootUsage());
      return first === undefined ? 2 : 0;
    }
    if (first === '--version' || first === '-v') {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    if (first.startsWith('-')) throw usageError(`lameduck: unknown option ${first}`);
    const entry = commands[first];
    if (!entry) {
      throw new LameduckError(
        'ERR_LAMEDUCK_UNKNOWN_COMMAND',
        `lameduck: unknown command "${first}"`,
        { exitCode: 2 },
      );
    }
    const command = await entry.load();
    const parsed = parseArgs(command, rest);
    if (parsed.help) {
      io.stdout.write(commandUsage(command));
      return 0;
    }
    onCommand?.(command);
    return await command.run({
      options: parsed.options,
      positionals: parsed.positionals,
      rest: parsed.rest,
      given: parsed.given,
      io,
      signal,
    });
  } catch (error) {
    if (error instanceof LameduckError) {
      io.stderr.write(`${error.message}\n`);
      if (error.code === 'ERR_LAMEDUCK_USAGE' || error.code === 'ERR_LAMEDUCK_UNKNOWN_COMMAND') {
        const name = argv[0] && commands[argv[0]] ? ` ${argv[0]}` : '';
        io.stderr.write(`Run 'lameduck${name} --help' for usage.\n`);
      }
      return error.exitCode;
    }
    throw error;
  }
}
