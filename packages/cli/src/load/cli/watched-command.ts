import { spawn } from 'node:child_process';
import type { Io } from '../core/io.js';

/** How the command given after `--` ended; recorded in the JSON report as `command`. */
export interface CommandOutcome {
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  /** Why the command could not run at all (not found, not executable). */
  error: string | null;
  durationMs: number;
}

export interface RunningCommand {
  readonly done: Promise<CommandOutcome>;
  /** Forwards a signal (Ctrl-C / SIGTERM of lameduck) to the command. */
  kill(signal: NodeJS.Signals): void;
}

export function commandSucceeded(outcome: CommandOutcome): boolean {
  return outcome.error === null && outcome.exitCode === 0;
}

export function describeOutcome(outcome: CommandOutcome): string {
  const name = outcome.argv.join(' ');
  if (outcome.error !== null) return `command "${name}" could not start: ${outcome.error}`;
  if (outcome.signal !== null) return `command "${name}" was killed by ${outcome.signal}`;
  return `command "${name}" exited with code ${outcome.exitCode}`;
}

/**
 * Starts the command given after `--`, its output passing through to ours. Its standard input is
 * closed: the load check is meant to run unattended.
 */
export function startCommand(argv: readonly string[], io: Io, now: () => number): RunningCommand {
  const [file, ...args] = argv as [string, ...string[]];
  const started = now();
  const child = spawn(file, args, {
    cwd: io.cwd,
    env: io.env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(io.stdout, { end: false });
  child.stderr?.pipe(io.stderr, { end: false });
  const done = new Promise<CommandOutcome>((resolve) => {
    let error: string | null = null;
    child.once('error', (e: NodeJS.ErrnoException) => {
      error = e.code === 'ENOENT' ? 'not found' : e.message;
      // 'close' follows for spawn failures too
    });
    child.once('close', (code, signal) => {
      resolve({
        argv: [...argv],
        exitCode: error === null ? code : null,
        signal: signal ?? null,
        error,
        durationMs: Math.round(now() - started),
      });
    });
  });
  return {
    done,
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}
