import type { Clock } from './clock.js';

/** The pod lifecycle events the lab records and draws. */
export type PodEventType =
  | 'created'
  | 'started'
  | 'ready'
  | 'not-ready'
  | 'terminating'
  | 'prestop-done'
  | 'sigterm'
  | 'sigkill'
  | 'exited'
  | 'crashed'
  | 'restarted'
  | 'endpoint-removed'
  | 'proxy-synced';

export interface PodEvent {
  /** ms since the lab (scenario) started. */
  readonly at: number;
  readonly pod: string;
  readonly type: PodEventType;
  readonly detail?: string;
}

/** An append-only log of pod events in one scenario, with listeners for the controllers. */
export class EventLog {
  readonly events: PodEvent[] = [];
  readonly #clock: Clock;
  readonly #listeners = new Set<(event: PodEvent) => void>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  record(pod: string, type: PodEventType, detail?: string): PodEvent {
    const event: PodEvent =
      detail === undefined
        ? { at: this.#clock.now(), pod, type }
        : { at: this.#clock.now(), pod, type, detail };
    this.events.push(event);
    for (const listener of this.#listeners) listener(event);
    return event;
  }

  subscribe(listener: (event: PodEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
