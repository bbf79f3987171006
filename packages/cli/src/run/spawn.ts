import { spawn } from 'node:child_process';
import { LameduckError } from '../core/errors.js';

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** The main child, once it runs. */
export interface StartedChild {
  readonly pid: number;
  /** Resolves when the main child has exited (libuv reaps it). */
  readonly exited: Promise<ChildExit>;
}

export interface StartOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** Starts `command` in a new session and process group, so signals can reach all of it at once. */
export type StartChild = (
  command: string,
  args: readonly string[],
  options: StartOptions,
) => Promise<StartedChild>;

/**
 * Spawns the app with inherited stdio. A command that does not exist fails like in a shell: exit 127;
 * one that exists but cannot be executed: exit 126.
 */
export const startChild: StartChild = (command, args, options) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: 'inherit',
      detached: true,
      env: options.env,
      cwd: options.cwd,
    });
    const exited = new Promise<ChildExit>((resolveExit) => {
      child.once('exit', (code, signal) => resolveExit({ code, signal }));
    });
    child.once('error', (error: NodeJS.ErrnoException) => reject(spawnError(command, error)));
    child.once('spawn', () => resolve({ pid: child.pid as number, exited }));
  });

function spawnError(command: string, error: NodeJS.ErrnoException): LameduckError {
  if (error.code === 'ENOENT') {
    const what = command.includes('/') ? 'no such file' : 'command not found';
    return new LameduckError('ERR_LAMEDUCK_RUN_NOT_FOUND', `lameduck run: ${command}: ${what}`, {
      exitCode: 127,
      cause: error,
    });
  }
  if (error.code === 'EACCES' || error.code === 'EISDIR' || error.code === 'ENOEXEC') {
    return new LameduckError(
      'ERR_LAMEDUCK_RUN_NOT_EXECUTABLE',
      `lameduck run: ${command}: cannot execute (${error.code === 'EACCES' ? 'permission denied' : error.code})`,
      { exitCode: 126, cause: error },
    );
  }
  return new LameduckError('ERR_LAMEDUCK_RUN_SPAWN', `lameduck run: ${command}: ${error.message}`, {
    exitCode: 126,
    cause: error,
  });
}
