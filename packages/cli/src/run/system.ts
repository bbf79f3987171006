import type { Clock } from '../core/clock.js';
import type { ExitRemap } from './exit-code.js';
import type { ReaperStatus } from './native.js';
import type { ProcessTable } from './proc.js';
import type { Readiness, ReadinessOptions } from './readiness.js';
import type { Kill, SignalSource } from './signals.js';
import type { StartChild } from './spawn.js';

/** What to run and how: the parsed flags of `lameduck run`. */
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
  /** Every deadline, delay and poll of the supervisor reads time through it. */
  readonly clock: Clock;
  /** Always shown (stderr). */
  readonly warn: (message: string) => void;
  /** Shown with --verbose. */
  readonly debug: (message: string) => void;
  /** Called once the readiness endpoint listens (its address, for logs and tests). */
  readonly onReady?: (readiness: Readiness) => void;
}
