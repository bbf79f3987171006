import type { Clock } from '../../core/clock.js';
import { type Distribution, sample } from '../spec/distribution.js';
import type { EventLog } from './events.js';

/** One address of a Service, with the EndpointSlice conditions (discovery/v1 EndpointConditions). */
export interface Endpoint {
  readonly pod: string;
  readonly host: string;
  readonly port: number;
  /** serving and not terminating */
  readonly ready: boolean;
  /** the pod's Ready condition */
  readonly serving: boolean;
  readonly terminating: boolean;
}

export interface EndpointSnapshot {
  readonly version: number;
  readonly endpoints: readonly Endpoint[];
}

/** What the endpoint controller reads of a pod (the kubelet's `Pod` has it). */
export interface PodStatus {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly phase: 'running' | 'terminating' | 'terminated';
  /** The pod's Ready condition. */
  readonly ready: boolean;
}

/**
 * The endpoint controller's view: changes at once when a pod is deleted or its readiness flips.
 * Pods that have exited leave the slice.
 */
export class EndpointController {
  #version = 0;
  readonly #endpoints = new Map<string, Endpoint>();
  readonly #views = new Set<EndpointView>();

  /**
   * A pod changed: a deleted pod leaves the ready endpoints at once (ready: false, terminating), and
   * leaves the slice when its last process is gone.
   */
  podChanged(pod: PodStatus): void {
    if (pod.phase === 'terminated') {
      this.set({ pod: pod.name, removed: true });
      return;
    }
    const terminating = pod.phase === 'terminating';
    this.set({
      pod: pod.name,
      host: pod.host,
      port: pod.port,
      ready: pod.ready && !terminating,
      serving: pod.ready,
      terminating,
    });
  }

  set(endpoint: Endpoint | { pod: string; removed: true }): void {
    if ('removed' in endpoint) {
      if (!this.#endpoints.delete(endpoint.pod)) return;
    } else {
      const before = this.#endpoints.get(endpoint.pod);
      if (before && sameConditions(before, endpoint)) return;
      this.#endpoints.set(endpoint.pod, endpoint);
    }
    const snapshot = this.snapshot();
    for (const view of this.#views) view.publish(snapshot);
  }

  snapshot(): EndpointSnapshot {
    return { version: ++this.#version, endpoints: [...this.#endpoints.values()] };
  }

  /** A proxy (or ingress) that learns every change after its own propagation delay. */
  watch(options: Omit<EndpointViewOptions, 'initial'>): EndpointView {
    const view = new EndpointView({ ...options, initial: this.snapshot() });
    this.#views.add(view);
    return view;
  }

  /** Resolves once every view has applied every change published so far. */
  async synced(): Promise<void> {
    await Promise.all([...this.#views].map((view) => view.synced()));
  }

  close(): void {
    for (const view of this.#views) view.close();
    this.#views.clear();
  }
}

export interface EndpointViewOptions {
  readonly name: string;
  readonly propagation: Distribution;
  readonly initial: EndpointSnapshot;
  readonly clock: Clock;
  readonly random?: () => number;
  /** Called when this view applies a snapshot (after its delay). */
  readonly onSync?: (snapshot: EndpointSnapshot, delayMs: number) => void;
}

/**
 * What one node's proxy believes the endpoints are. Each change reaches it after a delay drawn from
 * the propagation distribution; a snapshot older than the one applied is dropped, as a proxy's
 * full-state sync would.
 */
export class EndpointView {
  readonly name: string;
  #current: EndpointSnapshot;
  readonly #timers = new Set<() => void>();
  readonly #listeners = new Set<(snapshot: EndpointSnapshot) => void>();
  readonly #idle = new Set<() => void>();
  readonly #o: EndpointViewOptions;

  constructor(options: EndpointViewOptions) {
    this.#o = options;
    this.name = options.name;
    this.#current = options.initial;
  }

  get endpoints(): readonly Endpoint[] {
    return this.#current.endpoints;
  }

  /**
   * The endpoints new connections may go to: ready ones, or — only when none is ready — serving and
   * terminating ones (KEP-1669 ProxyTerminatingEndpoints).
   */
  usable(): readonly Endpoint[] {
    const ready = this.#current.endpoints.filter((e) => e.ready);
    return ready.length > 0
      ? ready
      : this.#current.endpoints.filter((e) => e.serving && e.terminating);
  }

  publish(snapshot: EndpointSnapshot): void {
    const delay = sample(this.#o.propagation, this.#o.random);
    const cancel = this.#o.clock.setTimer(() => {
      this.#timers.delete(cancel);
      if (snapshot.version > this.#current.version) {
        this.#current = snapshot;
        this.#o.onSync?.(snapshot, delay);
        for (const listener of this.#listeners) listener(snapshot);
      }
      if (this.#timers.size === 0) this.#wakeIdle();
    }, delay);
    this.#timers.add(cancel);
  }

  /** Resolves once this view has applied (or dropped as stale) every change published to it. */
  synced(): Promise<void> {
    if (this.#timers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.add(resolve));
  }

  #wakeIdle(): void {
    for (const resolve of this.#idle) resolve();
    this.#idle.clear();
  }

  /** Push model for data paths that program rules (iptables): called after each applied change. */
  onChange(listener: (snapshot: EndpointSnapshot) => void): void {
    this.#listeners.add(listener);
  }

  close(): void {
    for (const cancel of this.#timers) cancel();
    this.#timers.clear();
    this.#listeners.clear();
    this.#wakeIdle();
  }
}

function sameConditions(a: Endpoint, b: Endpoint): boolean {
  return a.ready === b.ready && a.serving === b.serving && a.terminating === b.terminating;
}

/**
 * Records `proxy-synced` once per pod and view: when the view (a node's proxy, the ingress, the load
 * balancer) first applies a snapshot in which the pod is terminating or gone, i.e. when it stopped
 * sending new connections to it. A view that learns of the pod's removal before it saw it terminate
 * (an older change overtaken by a newer one) records it then.
 */
export function logProxySyncs(
  log: EventLog,
  view: string,
): (snapshot: EndpointSnapshot, delayMs: number) => void {
  const seen = new Set<string>();
  const done = new Set<string>();
  return (snapshot, delayMs) => {
    const present = new Set(snapshot.endpoints.map((e) => e.pod));
    const stopped = [
      ...snapshot.endpoints.filter((e) => e.terminating).map((e) => e.pod),
      ...[...seen].filter((pod) => !present.has(pod)),
    ];
    for (const pod of present) seen.add(pod);
    for (const pod of stopped) {
      if (done.has(pod)) continue;
      done.add(pod);
      log.record(
        pod,
        'proxy-synced',
        `${view} stopped routing to it after ${Math.round(delayMs)} ms`,
        {
          view,
        },
      );
    }
  };
}
