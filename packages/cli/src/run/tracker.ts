import { isGone, type ProcessEntry } from './proc.js';

/** Who counts as "the app" when deciding whether everything has exited. */
export interface AppScope {
  /** Our own pid (never part of the app). */
  readonly self: number;
  /** The main child's pid: its process group and session are the app's. */
  readonly child: number;
}

/**
 * The app's processes in a process table: our descendants plus every member of the main child's
 * process group or session. Orphans are re-parented to us when we are PID 1 of the PID namespace or a
 * child subreaper, so then they count whatever group or session they moved to. Processes that entered
 * the namespace from outside (`kubectl exec`, parent pid 0) are not ours unless they joined the group.
 */
export function appProcesses(table: readonly ProcessEntry[], scope: AppScope): ProcessEntry[] {
  const others = table.filter((p) => p.pid !== scope.self);
  const children = new Map<number, ProcessEntry[]>();
  for (const p of others) {
    const list = children.get(p.ppid) ?? [];
    list.push(p);
    children.set(p.ppid, list);
  }
  const found = new Map<number, ProcessEntry>();
  const stack = [scope.self];
  while (stack.length > 0) {
    const parent = stack.pop() as number;
    for (const p of children.get(parent) ?? []) {
      if (found.has(p.pid)) continue;
      found.set(p.pid, p);
      stack.push(p.pid);
    }
  }
  for (const p of others) {
    if (p.pgid === scope.child || p.sid === scope.child) found.set(p.pid, p);
  }
  return [...found.values()];
}

/** The app's processes that still run (zombies have exited, whether or not anyone reaped them). */
export function liveAppProcesses(table: readonly ProcessEntry[], scope: AppScope): ProcessEntry[] {
  return appProcesses(table, scope).filter((p) => !isGone(p));
}

/** Zombies whose parent is us and that libuv does not own (it waits only for the main child). */
export function orphanZombies(table: readonly ProcessEntry[], scope: AppScope): ProcessEntry[] {
  return table.filter((p) => p.ppid === scope.self && p.pid !== scope.child && p.state === 'Z');
}

/** `12 (node), 14 (sleep)` */
export function describeProcesses(list: readonly ProcessEntry[]): string {
  return list.map((p) => `${p.pid} (${p.comm})`).join(', ');
}
