import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { Clock } from '../../core/clock.js';
import type { Io } from '../../core/io.js';
import type { CommandOutcome } from '../report/json.js';

/**
 * The command given after `--` (a rollout, say): the load runs while it runs, and watches what the
 * rollout does to the service.
 */
export interface WatchedCommand {
  readonly done: Promise<CommandOutcome>;
  /** Forwards a signal (Ctrl-C / SIGTERM of lameduck) to the command. */
  kill(signal: NodeJS.Signals): void;
}

export function commandSucceeded(outcome: CommandOutcome): boolean {
  return outcome.error === null && outcome.exitCode === 0;
}

/**
 * Starts the command, its output passing through to `output` (our stdout and stderr, or stderr for
 * both when stdout carries the JSON report). Its standard input is closed: the load check is meant
 * to run unattended.
 */
export function startWatchedCommand(
  argv: readonly string[],
  io: Pick<Io, 'cwd' | 'env'>,
  output: { readonly stdout: Writable; readonly stderr: Writable },
  clock: Clock,
): WatchedCommand {
  const [file, ...args] = argv as [string, ...string[]];
  const started = clock.now();
  const child = spawn(file, args, {
    cwd: io.cwd,
    env: io.env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(output.stdout, { end: false });
  child.stderr?.pipe(output.stderr, { end: false });
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
        durationMs: Math.round(clock.now() - started),
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
