/** The signals `lameduck run` passes on to the app. */
export const FORWARDED_SIGNALS = [
  'SIGTERM',
  'SIGINT',
  'SIGHUP',
  'SIGQUIT',
  'SIGUSR1',
  'SIGUSR2',
  'SIGWINCH',
] as const satisfies readonly NodeJS.Signals[];

export type ForwardedSignal = (typeof FORWARDED_SIGNALS)[number];

/** Signals that ask the app to stop: they mark it not ready and start the `--grace` deadline. */
export function isTermination(signal: NodeJS.Signals): boolean {
  return signal === 'SIGTERM' || signal === 'SIGINT' || signal === 'SIGQUIT';
}

/** Subscribes to process signals; injected so tests can deliver them. Returns the unsubscribe. */
export type SignalSource = (
  signals: readonly NodeJS.Signals[],
  handler: (signal: NodeJS.Signals) => void,
) => () => void;

/**
 * Sends a signal; false when there is no such process (ESRCH). `pid` < 0 means the process group
 * `-pid`, as in kill(2).
 */
export type Kill = (pid: number, signal: NodeJS.Signals) => boolean;

/**
 * The real kill(2), for the command's edge. A process that is gone (ESRCH) or that we may not signal
 * (EPERM: it changed its user) is skipped: a supervisor that is PID 1 must not crash over one process.
 * 0 and -1 are never passed on: kill(2) reads them as "our own process group" and "every process".
 */
export function systemKill(pid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pid) || pid === 0 || pid === -1) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw error;
  }
}
