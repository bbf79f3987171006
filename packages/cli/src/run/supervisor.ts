import { setTimeout as sleep } from 'node:timers/promises';
import { formatDuration } from 'lameduck';
import { type ExitRemap, exitCodeOf, remapExit } from './exit-code.js';
import { type ForwardTarget, forwardSignal, killEverything } from './forwarder.js';
import type { ReaperStatus } from './native.js';
import type { ProcessTable } from './proc.js';
import { Readiness, type ReadinessOptions } from './readiness.js';
import { FORWARDED_SIGNALS, isTermination, type Kill, type SignalSource } from './signals.js';
import type { ChildExit, StartChild, StartedChild } from './spawn.js';
import { describeProcesses, liveAppProcesses, orphanZombies } from './tracker.js';

export interface SupervisorOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** ms from the first termination signal to SIGKILL for everything left; 0 = no deadline. */
  readonly grace: number;
  /** ms to hold SIGTERM back (not ready meanwhile) before passing it on. */
  readonly drainDelay: number;
  readonly signalChildOnly: boolean;
  readonly remap: ExitRemap;
  readonly readiness: ReadinessOptions;
  /** How often the process table is read while waiting for the app's last process. */
  readonly pollInterval?: number;
}

/** Everything the supervisor touches of the system; command.ts fills it from `process`. */
export interface SupervisorSystem {
  readonly pid: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly startChild: StartChild;
  readonly kill: Kill;
  readonly processes: ProcessTable;
  readonly signals: SignalSource;
  readonly reaper: ReaperStatus;
  /** Always shown (stderr). */
  readonly warn: (message: string) => void;
  /** Shown with --verbose. */
  readonly debug: (message: string) => void;
  /** Called once the readiness endpoint listens (its address, for logs and tests). */
  readonly onReady?: (readiness: Readiness) => void;
}

/** How long processes may take to vanish after SIGKILL before we stop waiting for them. */
const AFTER_KILL_MS = 5000;

/**
 * Runs the app as `lameduck run` does: passes signals on to its whole process group, holds SIGTERM
 * back for `drainDelay`, waits until every process of the app has exited (not only the main child),
 * reaps orphaned zombies, enforces the `grace` deadline and returns the exit code to use.
 */
export async function supervise(
  options: SupervisorOptions,
  system: SupervisorSystem,
): Promise<number> {
  const { debug, warn } = system;
  const poll = options.pollInterval ?? 50;
  const pending: NodeJS.Signals[] = [];
  let onSignal: (signal: NodeJS.Signals) => void = (signal) => {
    pending.push(signal);
  };
  const unsubscribe = system.signals([...FORWARDED_SIGNALS, 'SIGCHLD'], (s) => onSignal(s));

  let readiness: Readiness | undefined;
  let child: StartedChild;
  try {
    readiness = await Readiness.start(options.readiness);
    system.onReady?.(readiness);
    child = await system.startChild(options.command, options.args, system);
  } catch (error) {
    unsubscribe();
    await readiness?.close();
    throw error;
  }
  debug(`started ${options.command} as pid ${child.pid} in its own process group`);
  const ready = readiness;

  const scope = { self: system.pid, child: child.pid };
  const reaper = system.reaper.available ? system.reaper.reaper : undefined;
  const reapOrphans = () => {
    if (!reaper) return;
    for (const zombie of orphanZombies(system.processes(), scope)) {
      const reaped = reaper.reap(zombie.pid);
      if (reaped) debug(`reaped orphan ${zombie.pid} (${zombie.comm})`);
    }
  };

  let exit: ChildExit | undefined;
  let stopping = false;
  let delay: AbortController | undefined;
  let deadline: NodeJS.Timeout | undefined;
  let killedAt: number | undefined;
  let killedSome = false;

  const target = (): ForwardTarget => ({
    child: child.pid,
    childRunning: exit === undefined,
    childOnly: options.signalChildOnly,
    live: liveAppProcesses(system.processes(), scope),
  });
  const forward = (signal: NodeJS.Signals) => {
    const outside = forwardSignal(system.kill, target(), signal);
    const extra = outside.length ? ` and ${outside.length} process(es) outside it` : '';
    debug(
      `sent ${signal} to ${options.signalChildOnly ? 'the main child' : `the process group${extra}`}`,
    );
  };
  const startDeadline = () => {
    if (deadline !== undefined || options.grace === 0) return;
    deadline = setTimeout(() => {
      const left = target();
      killedAt = Date.now();
      killedSome = left.live.length > 0;
      warn(
        `grace period of ${formatDuration(options.grace)} is over; sending SIGKILL to ${left.live.length} process(es) still running: ${describeProcesses(left.live)}`,
      );
      killEverything(system.kill, left);
    }, options.grace);
  };
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    ready.drain();
    startDeadline();
    forward(signal);
  };

  onSignal = (signal) => {
    if (signal === 'SIGCHLD') return reapOrphans();
    debug(`received ${signal}`);
    if (delay && (signal === 'SIGTERM' || signal === 'SIGINT')) {
      debug(`${signal} during the drain delay: passing SIGTERM on now`);
      delay.abort();
      return;
    }
    if (signal === 'SIGTERM' && options.drainDelay > 0 && !stopping && !delay) {
      ready.drain();
      startDeadline();
      delay = new AbortController();
      debug(`not ready; holding SIGTERM back for ${formatDuration(options.drainDelay)}`);
      sleep(options.drainDelay, undefined, { signal: delay.signal, ref: false })
        .catch(() => undefined)
        .finally(() => {
          delay = undefined;
          if (exit === undefined && !stopping) stop('SIGTERM');
        });
      return;
    }
    if (isTermination(signal)) stop(signal);
    else forward(signal);
  };
  for (const signal of pending.splice(0)) onSignal(signal);
  const reapTimer = setInterval(reapOrphans, 1000);

  try {
    exit = await child.exited;
    debug(`main child exited with ${exit.signal ?? `code ${exit.code}`}`);
    delay?.abort();
    let restSignalled = false;
    for (;;) {
      reapOrphans();
      const live = liveAppProcesses(system.processes(), scope);
      if (live.length === 0) break;
      if (!restSignalled) {
        restSignalled = true;
        debug(`${live.length} process(es) left after the main child: ${describeProcesses(live)}`);
        // With the group signalled they already got SIGTERM; do not send a second one.
        if (!stopping || options.signalChildOnly) stop('SIGTERM');
      }
      if (killedAt !== undefined && Date.now() - killedAt > AFTER_KILL_MS) {
        warn(`still running after SIGKILL, giving up on them: ${describeProcesses(live)}`);
        break;
      }
      await sleep(poll);
    }
  } finally {
    clearInterval(reapTimer);
    clearTimeout(deadline);
    delay?.abort();
    unsubscribe();
    await ready.close();
  }
  debug('every process of the app has exited');
  const code = exitCodeOf(exit.code, exit.signal);
  // A drain cut short by the deadline never looks like success.
  return remapExit(killedSome && code === 0 ? 137 : code, options.remap);
}
