import type { TimelineSecond } from '../result.js';
import { countFailures, formatMs } from './format.js';

/**
 * A one-line live display for terminals: rewritten once per finished second, erased at the end.
 * Only used when stderr is a TTY (never in CI, never with --quiet).
 */
export class Progress {
  readonly #write: (text: string) => void;
  #ok = 0;
  #failed = 0;
  #shown = false;

  constructor(write: (text: string) => void) {
    this.#write = write;
  }

  second(s: TimelineSecond): void {
    this.#ok += s.ok;
    const failedNow = countFailures(s.failures);
    this.#failed += failedNow;
    const line =
      `  ${s.second + 1}s  ok ${this.#ok}  failed ${this.#failed}` +
      `${failedNow ? ` (+${failedNow} in the last second)` : ''}  p99 ${formatMs(s.p99)}`;
    this.#write(`\r\u001b[2K${line}`);
    this.#shown = true;
  }

  clear(): void {
    if (this.#shown) this.#write('\r\u001b[2K');
    this.#shown = false;
  }
}
