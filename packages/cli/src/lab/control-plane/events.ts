import type { Clock } from '../../core/clock.js';

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
  /** ms since the scenario started. */
  readonly at: number;
  readonly pod: string;
  readonly type: PodEventType;
  readonly detail?: string;
  /** `proxy-synced`: the view (node-1…, ingress, lb) that stopped routing to the pod. */
  readonly view?: string;
}

/**
 * An append-only log of pod events in one scenario, with listeners for the controllers. Times are
 * differences of the clock's `now()` from `origin`, the scenario's start.
 */
export class EventLog {
  readonly events: PodEvent[] = [];
  /** The clock reading the scenario started at. */
  readonly origin: number;
  readonly #clock: Clock;
  readonly #listeners = new Set<(event: PodEvent) => void>();

  constructor(clock: Clock, origin = clock.now()) {
    this.#clock = clock;
    this.origin = origin;
  }

  /** ms since the scenario started. */
  elapsed(): number {
    return this.#clock.now() - this.origin;
  }

  record(pod: string, type: PodEventType, detail?: string, extra?: { view: string }): PodEvent {
    const at = this.elapsed();
    const event: PodEvent = {
      at,
      pod,
      type,
      ...(detail === undefined ? {} : { detail }),
      ...(extra ? { view: extra.view } : {}),
    };
    this.events.push(event);
    for (const listener of this.#listeners) listener(event);
    return event;
  }

  subscribe(listener: (event: PodEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
