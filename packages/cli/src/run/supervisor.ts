import { formatDuration } from 'lameduck/duration';
import { type Clock, sleep } from '../core/clock.js';
import { Deadline } from './deadline.js';
import { exitCodeOf, remapExit } from './exit-code.js';
import { continueStopped, type ForwardTarget, forwardSignal } from './forwarder.js';
import { Readiness } from './readiness.js';
import { FORWARDED_SIGNALS, isTermination } from './signals.js';
import type { ChildExit, StartedChild } from './spawn.js';
import type { SupervisorOptions, SupervisorSystem } from './system.js';
import { type AppScope, describeProcesses, liveAppProcesses, orphanZombies } from './tracker.js';

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
  const { clock, debug, warn } = system;
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
  const reapOrphans = () => reapOrphanZombies(system, scope);
  // A burst of SIGCHLDs (a shell script forking away) costs one scan of /proc, not one each.
  let reapQueued = false;
  const queueReap = () => {
    if (reapQueued) return;
    reapQueued = true;
    setImmediate(() => {
      reapQueued = false;
      reapOrphans();
    });
  };
  const deadline = new Deadline(options.grace, system.kill, warn, clock);
  let exit: ChildExit | undefined;
  let stopping = false;
  let delay: AbortController | undefined;

  const target = (): ForwardTarget => ({
    child: child.pid,
    childRunning: exit === undefined,
    childOnly: options.signalChildOnly,
    live: liveAppProcesses(system.processes(), scope),
  });
  const forward = (signal: NodeJS.Signals) => {
    const outside = forwardSignal(system.kill, target(), signal);
    const extra = outside.length ? ` and ${outside.length} process(es) outside it` : '';
    let to = `the process group${extra}`;
    if (options.signalChildOnly) {
      to =
        exit === undefined ? 'the main child' : `the ${outside.length} process(es) it left behind`;
    }
    debug(`sent ${signal} to ${to}`);
  };
  const startDeadline = () => deadline.start(target);
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    ready.drain();
    startDeadline();
    forward(signal);
    const continued = continueStopped(system.kill, liveAppProcesses(system.processes(), scope));
    if (continued.length) debug(`sent SIGCONT to stopped process(es) ${continued.join(', ')}`);
  };

  onSignal = (signal) => {
    if (signal === 'SIGCHLD') return queueReap();
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
      // The main child keeps the process alive meanwhile; the delay's timer does not need to.
      void sleep(clock, options.drainDelay, delay.signal).then(() => {
        delay = undefined;
        if (exit === undefined && !stopping) stop('SIGTERM');
      });
      return;
    }
    if (isTermination(signal)) stop(signal);
    else forward(signal);
  };
  for (const signal of pending.splice(0)) onSignal(signal);
  const stopReaping = every(clock, 1000, reapOrphans);
  let gaveUp = false;

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
      if (deadline.firedLongerAgoThan(AFTER_KILL_MS)) {
        warn(`still running after SIGKILL, giving up on them: ${describeProcesses(live)}`);
        gaveUp = true;
        break;
      }
      await wait(clock, poll);
    }
  } finally {
    stopReaping();
    deadline.cancel();
    delay?.abort();
    unsubscribe();
    await ready.close();
  }
  if (!gaveUp) debug('every process of the app has exited');
  const code = exitCodeOf(exit.code, exit.signal);
  // A drain cut short by the deadline never looks like success.
  return remapExit(deadline.killed > 0 && code === 0 ? 137 : code, options.remap);
}

/**
 * Resolves after `ms` on a timer that holds the event loop open: once the main child has exited, the
 * processes still waited for may not be ours, and nothing else would keep `lameduck run` alive.
 */
function wait(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(resolve, ms, true));
}

/** Runs `fn` every `ms` until the returned function is called. */
function every(clock: Clock, ms: number, fn: () => void): () => void {
  let cancel = clock.setTimer(tick, ms, true);
  function tick() {
    fn();
    cancel = clock.setTimer(tick, ms, true);
  }
  return () => cancel();
}

/** Collects orphaned zombies re-parented to us, if the native reaper is there (see native.ts). */
function reapOrphanZombies(system: SupervisorSystem, scope: AppScope): void {
  if (!system.reaper.available) return;
  for (const zombie of orphanZombies(system.processes(), scope)) {
    if (system.reaper.reaper.reap(zombie.pid)) {
      system.debug(`reaped orphan ${zombie.pid} (${zombie.comm})`);
    }
  }
}
