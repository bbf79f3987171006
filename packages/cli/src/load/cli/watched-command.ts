import { type ChildProcess, spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { type Clock, sleep } from '../../core/clock.js';
import type { Io } from '../../core/io.js';
import type { CommandOutcome } from '../report/json.js';

/** How long a command's output may still arrive after it exited before it stops passing through. */
const OUTPUT_DRAIN_MS = 200;

/**
 * The command given after `--` (a rollout, say): the load runs while it runs, and watches what the
 * rollout does to the service.
 */
export interface WatchedCommand {
  /**
   * Resolves when the process exits (not when its output pipes close: a background child it left
   * behind may hold them open for much longer), or could not start.
   */
  readonly done: Promise<CommandOutcome>;
  /** When it started, on the clock. */
  readonly startedAt: number;
  /** Sends a signal to the command (Ctrl-C / SIGTERM of lameduck are passed on). */
  kill(signal: NodeJS.Signals): void;
  /**
   * Sends `signal`, then SIGKILL if the command has not exited `graceMs` later; resolves with its
   * outcome, marked `timedOut` when `timedOut` says so.
   */
  terminate(signal: NodeJS.Signals, graceMs: number, timedOut: boolean): Promise<CommandOutcome>;
  /** Stops passing its output through, after what it wrote before exiting has arrived. */
  detach(): Promise<void>;
}

export function commandSucceeded(outcome: CommandOutcome): boolean {
  return outcome.error === null && outcome.exitCode === 0 && !outcome.timedOut;
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

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
  const startedAt = clock.now();
  const child = spawn(file, args, {
    cwd: io.cwd,
    env: io.env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(output.stdout, { end: false });
  child.stderr?.pipe(output.stderr, { end: false });
  let timedOut = false;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const done = new Promise<CommandOutcome>((resolve) => {
    let error: string | null = null;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      const endedAt = clock.now();
      resolve({
        argv: [...argv],
        exitCode: error === null ? code : null,
        signal: signal ?? null,
        error,
        durationMs: Math.round(endedAt - startedAt),
        timedOut,
        startedAtMs: startedAt,
        endedAtMs: endedAt,
      });
    };
    child.once('error', (e: NodeJS.ErrnoException) => {
      error = e.code === 'ENOENT' ? 'not found' : e.message;
      // a process that never started has no 'exit'
      if (child.pid === undefined) finish(null, null);
    });
    child.once('exit', (code, signal) => finish(code, signal));
  });
  const kill = (signal: NodeJS.Signals) => {
    if (running(child)) child.kill(signal);
  };
  return {
    done,
    startedAt,
    kill,
    async terminate(signal, graceMs, markTimedOut) {
      if (markTimedOut && running(child)) timedOut = true;
      kill(signal);
      const stop = new AbortController();
      const killer = sleep(clock, graceMs, stop.signal).then(() => {
        if (!stop.signal.aborted) kill('SIGKILL');
      });
      const outcome = await done;
      stop.abort();
      await killer.catch(() => {});
      return outcome;
    },
    async detach() {
      const drained = new AbortController();
      await Promise.race([closed, sleep(clock, OUTPUT_DRAIN_MS, drained.signal).catch(() => {})]);
      drained.abort();
      child.stdout?.unpipe(output.stdout);
      child.stderr?.unpipe(output.stderr);
      child.stdout?.destroy();
      child.stderr?.destroy();
    },
  };
}
