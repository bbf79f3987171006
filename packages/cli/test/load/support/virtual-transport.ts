// A transport that answers on the virtual clock, for exact tests of the scheduler (the real transports
// are tested against real servers on loopback in test/load/transport/).
import type { Clock } from '../../../src/core/clock.ts';
import type { Job, Transport, TransportEvents } from '../../../src/load/transport/transport.ts';

/**
 * Serves at most `connections` jobs at once; the others wait in order, as with a real pool. Job `i`
 * (in the order sent) is answered `ok` after `serviceMs(i)` ms, or never when it returns undefined.
 */
export class VirtualTransport implements Transport {
  busy = 0;
  maxBusy = 0;
  sent = 0;
  cancelled = 0;
  closed = false;
  readonly #queue: [Job, number][] = [];
  readonly #clock: Clock;
  readonly #events: TransportEvents;
  readonly #serviceMs: (index: number) => number | undefined;
  readonly #connections: number;

  constructor(
    clock: Clock,
    events: TransportEvents,
    serviceMs: (index: number) => number | undefined,
    connections = Number.POSITIVE_INFINITY,
  ) {
    this.#clock = clock;
    this.#events = events;
    this.#serviceMs = serviceMs;
    this.#connections = connections;
  }

  get openConnections(): number {
    return this.busy;
  }

  send(job: Job): void {
    const index = this.sent++;
    if (this.busy < this.#connections) {
      this.#start(job, index);
      return;
    }
    const entry: [Job, number] = [job, index];
    this.#queue.push(entry);
    job.queued = true;
    job.cancel = () => {
      this.cancelled++;
      this.#queue.splice(this.#queue.indexOf(entry), 1);
    };
  }

  close(): void {
    this.closed = true;
  }

  #start(job: Job, index: number): void {
    this.busy++;
    this.maxBusy = Math.max(this.maxBusy, this.busy);
    this.#events.started(job);
    const ms = this.#serviceMs(index);
    let stop: (() => void) | undefined;
    job.cancel = () => {
      this.cancelled++;
      stop?.();
      this.#release();
    };
    if (ms === undefined) return;
    stop = this.#clock.setTimer(() => {
      job.cancel = undefined;
      this.#events.finish(job, 'ok');
      this.#release();
    }, ms);
  }

  #release(): void {
    this.busy--;
    const next = this.#queue.shift();
    if (next) this.#start(...next);
  }
}
