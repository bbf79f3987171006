/**
 * The shutdown timeline: starting → serving → draining → closing → stopped.
 * - starting: readiness fails until the app is ready;
 * - serving: ready;
 * - draining: readiness fails at once, listeners stay open, every response closes its connection;
 * - closing: listeners closed, idle connections ended, in-flight work awaited, then hooks;
 * - stopped: done (the process exits unless `exit: false`).
 */
export type Phase = 'starting' | 'serving' | 'draining' | 'closing' | 'stopped';

export const PHASES: readonly Phase[] = ['starting', 'serving', 'draining', 'closing', 'stopped'];

/** True once the shutdown has begun. */
export function isShuttingDown(phase: Phase): boolean {
  return phase === 'draining' || phase === 'closing' || phase === 'stopped';
}

/** The log message of the event that starts a phase. */
export function phaseMessage(phase: Phase): string {
  switch (phase) {
    case 'serving':
      return 'ready: serving';
    case 'draining':
      return 'draining: readiness fails, still serving, every response closes its connection';
    case 'closing':
      return 'closing: listeners closed, ending idle connections, waiting for in-flight requests';
    case 'stopped':
      return 'stopped';
    default:
      return phase;
  }
}
