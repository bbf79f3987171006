import { type Clock, sleep } from './clock.js';
import type { Counters } from './counters.js';
import { type Hook, runHooks } from './hooks.js';
import type { HookRecord } from './metrics.js';
import type { ResolvedOptions } from './options.js';
import type { Phase } from './phase.js';
import type { ShutdownReport } from './report.js';
import type { TrackedServer } from './tracked-server.js';

/** Resolves after the event loop's next poll phase (in its check phase). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface ShutdownDeps {
  readonly options: ResolvedOptions;
  readonly clock: Clock;
  readonly counters: Counters;
  servers(): readonly TrackedServer[];
  hooks(): readonly Hook[];
  /** Names of the holds not released yet (work outside HTTP the drain waits for). */
  holds(): readonly string[];
  /** Called once, as the hooks are about to run. */
  hooksStarting(): void;
  setPhase(phase: Phase, fields?: object): void;
  onHook(record: HookRecord): void;
}

/**
 * One shutdown: draining → closing → hooks → stopped, all under one deadline (gracePeriod minus
 * deadlineMargin, counted from the trigger). `force()` — the deadline, or a second signal — destroys
 * whatever is still open at once and cuts the hooks that have not finished.
 */
export class Shutdown {
  readonly #deps: ShutdownDeps;
  readonly #force = new AbortController();
  readonly #started: number;
  #forcedBy: ShutdownReport['forcedBy'];
  #destroyed: Promise<void> = Promise.resolve();
  #closed = false;
  #cut = { requests: 0, connections: 0 };
  #drainedWaiter: (() => void) | undefined;
  readonly #closingWaiters: (() => void)[] = [];

  readonly #racedBefore: number;

  constructor(deps: ShutdownDeps) {
    this.#deps = deps;
    this.#started = deps.clock.now();
    this.#racedBefore = deps.counters.requestsRaced;
  }

  /** Resolves once the drain delay has elapsed (closing began), or at once if it already has. */
  whenClosing(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#closingWaiters.push(resolve));
  }

  /** Called whenever a connection closes or a request ends. */
  changed(): void {
    if (this.#drainedWaiter && this.#drained()) this.#drainedWaiter();
  }

  /** No connection and no hold left to wait for. */
  #drained(): boolean {
    return this.#pendingConnections() === 0 && this.#deps.holds().length === 0;
  }

  /**
   * Ends the shutdown now: listeners closed at once, and what is still open destroyed in the next
   * turn of the event loop — after writes already handed to the kernel have completed and their
   * responses closed, so that the count of what was cut is the count of what clients lose.
   */
  force(by: 'deadline' | 'second-signal'): void {
    if (this.#forcedBy) return;
    this.#forcedBy = by;
    this.#stopListening();
    this.#destroyed = nextTurn().then(async () => {
      const flushed: Promise<number>[] = [];
      for (const server of this.#deps.servers()) {
        const cut = server.destroyAll();
        this.#cut.requests += cut.requests;
        this.#cut.connections += cut.connections;
        flushed.push(cut.flushed);
      }
      for (const late of await Promise.all(flushed)) this.#cut.requests += late;
      this.#deps.counters.requestsCut += this.#cut.requests;
      this.#deps.counters.connectionsForced += this.#cut.connections;
    });
    this.#force.abort(new Error(by));
  }

  async run(reason: string): Promise<Omit<ShutdownReport, 'exitCode'>> {
    const { options, clock, counters } = this.#deps;
    const deadlineIn = options.gracePeriod - options.deadlineMargin;
    // Kept alive: whatever else happens (sockets nobody reads, unref'd handles), the shutdown ends.
    const cancelDeadline = clock.setTimer(() => this.force('deadline'), deadlineIn, true);
    const signal = this.#force.signal;
    this.#deps.setPhase('draining', {
      reason,
      drainDelayMs: options.drainDelay,
      deadlineInMs: deadlineIn,
      openConnections: this.#openConnections(),
      inFlight: this.#inFlight(),
    });
    for (const server of this.#deps.servers()) server.beginDrain();
    await sleep(clock, options.drainDelay, signal);
    // No event-loop turn here to accept the kernel's accept queue first: measured
    // (bench/runtime, accept queue), it does not lower the connections the close resets — the
    // turn's own poll phase lets as many queue up behind it — so the listener closes at once.

    const closingAfterMs = this.#elapsed();
    const atClosing = {
      servedWhileDraining: counters.requestsWhileDraining,
      openConnections: this.#openConnections(),
      inFlight: this.#inFlight(),
    };
    // Listeners first, then the event: whoever reads "closing" can count on connections being refused.
    this.#stopListening();
    this.#deps.setPhase('closing', atClosing);
    // One more turn before connections are ended: a request that reached an idle connection before
    // the listeners closed is read (and served) instead of being lost to the FIN.
    if (!signal.aborted) await nextTurn();
    // Forced meanwhile: everything is about to be destroyed; telling connections to end would race it.
    if (!this.#forcedBy) for (const server of this.#deps.servers()) server.beginClosing();
    await this.#waitDrained(signal);
    const drainedAfterMs = this.#elapsed();
    const holdsCut = this.#forcedBy ? [...this.#deps.holds()] : [];

    this.#deps.hooksStarting();
    const hooks = await runHooks(this.#deps.hooks(), clock, signal, (r) => this.#deps.onHook(r));
    cancelDeadline();
    await this.#destroyed;
    const raced = counters.requestsRaced - this.#racedBefore;
    const failed =
      raced > 0 || hooks.some((h) => h.outcome === 'failed' || h.outcome === 'timeout');
    const outcome = this.#forcedBy ? 'forced' : failed ? 'failed' : 'clean';
    return {
      reason,
      outcome,
      ...(this.#forcedBy ? { forcedBy: this.#forcedBy } : {}),
      timeline: { closingAfterMs, drainedAfterMs, stoppedAfterMs: this.#elapsed() },
      served: {
        whileDraining: counters.requestsWhileDraining,
        whileClosing: counters.requestsWhileClosing,
      },
      connections: {
        endedIdle: counters.connectionsEndedIdle,
        forced: counters.connectionsForced,
        upgradedClosed: counters.upgradedClosed,
        goawaysSent: counters.goawaysSent,
      },
      cut: {
        requests: this.#cut.requests + raced,
        raced,
        connections: this.#cut.connections,
        holds: holdsCut,
        hooks: hooks.filter((h) => h.outcome === 'cut').map((h) => h.name),
      },
      hooks,
    };
  }

  #stopListening(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const server of this.#deps.servers()) server.stopListening();
    for (const resolve of this.#closingWaiters.splice(0)) resolve();
  }

  #waitDrained(signal: AbortSignal): Promise<void> {
    if (this.#drained() || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.#drainedWaiter = undefined;
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.#drainedWaiter = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }

  #openConnections(): number {
    return this.#deps.servers().reduce((n, s) => n + s.openConnections, 0);
  }

  #pendingConnections(): number {
    return this.#deps.servers().reduce((n, s) => n + s.pendingConnections, 0);
  }

  #inFlight(): number {
    return this.#deps.servers().reduce((n, s) => n + s.inFlight, 0);
  }

  #elapsed(): number {
    return Math.round(this.#deps.clock.now() - this.#started);
  }
}
