import { formatDuration } from 'lameduck/duration';
import type { Clock } from '../core/clock.js';
import { type ForwardTarget, killEverything } from './forwarder.js';
import type { Kill } from './signals.js';
import { describeProcesses } from './tracker.js';

/**
 * The `--grace` deadline: started once, by the first termination signal (or by the main child exiting
 * while others still run); when it fires, everything of the app that is left gets SIGKILL and stderr
 * says which processes were cut. Time is read and timers are set through the injected clock.
 */
export class Deadline {
  readonly #grace: number;
  readonly #kill: Kill;
  readonly #warn: (message: string) => void;
  readonly #clock: Clock;
  #cancel: (() => void) | undefined;
  #firedAt: number | undefined;
  #killed = 0;

  /** `grace` in ms; 0 means no deadline. */
  constructor(grace: number, kill: Kill, warn: (message: string) => void, clock: Clock) {
    this.#grace = grace;
    this.#kill = kill;
    this.#warn = warn;
    this.#clock = clock;
  }

  /** Starts the countdown unless it runs already. `target` is read when the deadline fires. */
  start(target: () => ForwardTarget): void {
    if (this.#cancel !== undefined || this.#grace === 0) return;
    // keepAlive: the deadline must fire even when nothing else holds the event loop open.
    this.#cancel = this.#clock.setTimer(
      () => {
        const left = target();
        this.#firedAt = this.#clock.now();
        this.#killed = left.live.length;
        this.#warn(
          `grace period of ${formatDuration(this.#grace)} is over; sending SIGKILL to ${left.live.length} process(es) still running: ${describeProcesses(left.live)}`,
        );
        killEverything(this.#kill, left);
      },
      this.#grace,
      true,
    );
  }

  /** How many processes the deadline had to kill (0 when it did not fire). */
  get killed(): number {
    return this.#killed;
  }

  /** True when the deadline fired more than `ms` ago (processes stuck even after SIGKILL). */
  firedLongerAgoThan(ms: number): boolean {
    return this.#firedAt !== undefined && this.#clock.now() - this.#firedAt > ms;
  }

  cancel(): void {
    this.#cancel?.();
  }
}
