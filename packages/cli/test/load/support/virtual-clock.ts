// A clock whose time moves only when the test says so, for exact tests of the scheduler: if the code
// under test read time anywhere else (performance.now, Date.now, its own setTimeout), the exact
// figures these tests expect would not come out.
import type { Clock } from '../../../src/core/clock.ts';

interface Timer {
  readonly at: number;
  readonly order: number;
  readonly fn: () => void;
  cancelled: boolean;
}

export class VirtualClock implements Clock {
  #now = 0;
  #order = 0;
  #timers: Timer[] = [];

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer: Timer = {
      at: this.#now + Math.max(0, ms),
      order: this.#order++,
      fn,
      cancelled: false,
    };
    this.#timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Timers not yet run nor cancelled. */
  get pending(): number {
    return this.#timers.filter((t) => !t.cancelled).length;
  }

  /**
   * Moves time forward by `ms`, running each timer that falls due on the way at its own time (earliest
   * first; in the order they were set when due together), and letting promises settle after each.
   */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      this.#timers = this.#timers.filter((t) => !t.cancelled);
      let first: Timer | undefined;
      for (const t of this.#timers) {
        if (
          t.at <= end &&
          (!first || t.at < first.at || (t.at === first.at && t.order < first.order))
        )
          first = t;
      }
      if (!first) break;
      first.cancelled = true;
      this.#now = first.at;
      first.fn();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.#now = end;
  }
}
