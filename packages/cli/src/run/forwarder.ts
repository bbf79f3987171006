import type { ProcessEntry } from './proc.js';
import type { Kill } from './signals.js';

export interface ForwardTarget {
  /** The main child's pid, which is also its process group id (it was started in a new session). */
  readonly child: number;
  /** Whether the main child is still running. */
  readonly childRunning: boolean;
  /** Only the main child, never its group (`--signal-child-only`). */
  readonly childOnly: boolean;
  /** The app's live processes now (see tracker.ts). */
  readonly live: readonly ProcessEntry[];
}

/**
 * Delivers a signal to the app: to the main child's whole process group with one kill(2), plus each
 * live app process that left the group (`setsid`, `setpgid`), so every process gets it exactly once.
 * Returns the pids signalled outside the group.
 */
export function forwardSignal(kill: Kill, target: ForwardTarget, signal: NodeJS.Signals): number[] {
  if (target.childOnly && target.childRunning) {
    kill(target.child, signal);
    return [];
  }
  if (target.childOnly) {
    // The main child is gone: what it left behind gets the signal, one process at a time.
    for (const p of target.live) kill(p.pid, signal);
    return target.live.map((p) => p.pid);
  }
  kill(-target.child, signal);
  const outside = target.live.filter((p) => p.pgid !== target.child).map((p) => p.pid);
  for (const pid of outside) kill(pid, signal);
  return outside;
}

/** SIGKILL for everything of the app that is left: the group, and every live process (main child included). */
export function killEverything(kill: Kill, target: ForwardTarget): void {
  kill(-target.child, 'SIGKILL');
  for (const p of target.live) kill(p.pid, 'SIGKILL');
}

/**
 * SIGCONT for the app's stopped processes (state T), after a termination signal: a stopped process
 * keeps SIGTERM pending and would otherwise sit out the whole grace period (systemd does the same).
 * Returns the pids continued.
 */
export function continueStopped(kill: Kill, live: readonly ProcessEntry[]): number[] {
  const stopped = live.filter((p) => p.state === 'T').map((p) => p.pid);
  for (const pid of stopped) kill(pid, 'SIGCONT');
  return stopped;
}
