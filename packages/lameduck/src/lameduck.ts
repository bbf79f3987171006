import { EventEmitter, setMaxListeners } from 'node:events';
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { closeAdmin, startAdmin } from './admin.js';
import { systemClock } from './clock.js';
import { newCounters } from './counters.js';
import { InvalidOptionError } from './errors.js';
import { type Hook, type HookFunction, parseHookTimeout } from './hooks.js';
import { jsonLogger, type Logger, silentLogger } from './logger.js';
import { type HookRecord, renderMetrics } from './metrics.js';
import { type LameduckOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { isShuttingDown, type Phase, phaseMessage } from './phase.js';
import { answerProbe, type ProbeState, probeFor } from './probes.js';
import type { ProcessLike } from './process.js';
import type { ShutdownReport } from './report.js';
import { serverKind } from './server-kind.js';
import { Shutdown } from './shutdown.js';
import { TrackedServer } from './tracked-server.js';
import type { TrackerContext } from './tracker-context.js';
import { closeUpgradedDefault } from './upgrade.js';

export interface RegisterOptions {
  /** Name used in logs. @default 'http-1', 'http-2', … in registration order */
  name?: string;
}

export interface HookOptions {
  /** This hook's timeout. @default the `hookTimeout` option (5s) */
  timeout?: number | string;
}

export interface PhaseEvent {
  phase: Phase;
  previous: Phase;
  /** Epoch milliseconds. */
  at: number;
}

export interface LameduckEvents {
  phase: [PhaseEvent];
  hook: [HookRecord];
  stopped: [ShutdownReport];
}

/**
 * One process's drain timeline. Create one per process with `createLameduck()`, register every
 * HTTP server, add cleanup hooks; a signal, GET /prestop on the admin port, or `shutdown()` runs it.
 */
export class Lameduck extends EventEmitter<LameduckEvents> {
  readonly options: ResolvedOptions;
  readonly #process: ProcessLike;
  readonly #clock: ResolvedClock;
  readonly #log: Logger;
  readonly #counters = newCounters();
  readonly #servers: TrackedServer[] = [];
  readonly #hooks: Hook[] = [];
  readonly #hookRecords: HookRecord[] = [];
  readonly #phaseStarted: Partial<Record<Phase, number>> = {};
  readonly #draining = new AbortController();
  readonly #closing = new AbortController();
  readonly #context: TrackerContext;
  readonly #admin: HttpServer | undefined;
  readonly #adminListening: Promise<AddressInfo | undefined>;
  readonly #signalHandler = (signal: NodeJS.Signals) => this.#onSignal(signal);
  #phase: Phase = 'starting';
  #started = false;
  #signalsReceived = 0;
  #shutdown: Shutdown | undefined;
  #result: Promise<ShutdownReport> | undefined;

  constructor(options: LameduckOptions = {}) {
    super();
    this.#process = options.process ?? (process as unknown as ProcessLike);
    this.options = resolveOptions(options, this.#process.env);
    this.#clock = options.clock ?? systemClock;
    this.#log =
      this.options.logger === false
        ? silentLogger
        : (this.options.logger ?? jsonLogger(this.#process.stderr ?? process.stderr));
    setMaxListeners(0, this.#draining.signal, this.#closing.signal);
    this.#phaseStarted.starting = Date.now();
    this.#context = {
      counters: this.#counters,
      clock: this.#clock,
      log: this.#log,
      phase: () => this.#phase,
      firstRequestGrace: this.options.firstRequestGrace,
      closeUpgraded: this.options.closeUpgraded ?? closeUpgradedDefault,
      probe: this.options.appProbes ? this.#appProbe(this.options.appProbes) : undefined,
      changed: () => this.#shutdown?.changed(),
    };
    for (const signal of this.options.signals) this.#process.on(signal, this.#signalHandler);
    const admin = this.options.admin
      ? startAdmin(this.options.admin, this.#log, {
          probeState: () => this.#probeState(),
          prestop: async () => {
            this.#log.info(
              { event: 'prestop' },
              'GET /prestop: draining until the delay has elapsed',
            );
            this.#begin('prestop').catch(() => {});
            await (this.#shutdown as Shutdown).whenClosing();
          },
          metrics: () => this.metrics(),
        })
      : undefined;
    this.#admin = admin?.server;
    this.#adminListening = admin?.listening ?? Promise.resolve(undefined);
  }

  get phase(): Phase {
    return this.#phase;
  }

  /** Readiness: true only while serving. */
  get isReady(): boolean {
    return this.#phase === 'serving';
  }

  /** Aborts when the drain begins (readiness fails; connections still served). */
  get draining(): AbortSignal {
    return this.#draining.signal;
  }

  /**
   * Aborts when closing begins (the drain delay is over). Long-lived responses — SSE, long polls —
   * should end themselves here; the shutdown waits for them until the deadline.
   */
  get closing(): AbortSignal {
    return this.#closing.signal;
  }

  /** Resolves with the admin server's address once it listens (undefined without one). */
  adminAddress(): Promise<AddressInfo | undefined> {
    return this.#adminListening;
  }

  /** Puts a node:http, node:https or node:http2 server under the timeline. Register before it listens. */
  register(server: NetServer, options: RegisterOptions = {}): this {
    if (this.#servers.some((s) => s.server === server)) return this;
    const kind = serverKind(server);
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw new InvalidOptionError('register: name', 'a non-empty string', options.name);
    }
    const name = options.name ?? `${kind}-${this.#servers.length + 1}`;
    const tracked = new TrackedServer(server, name, kind, this.#context);
    this.#servers.push(tracked);
    if (this.#phase === 'draining' || this.#phase === 'closing') tracked.beginDrain();
    if (this.#phase === 'closing' || this.#phase === 'stopped') tracked.beginClosing();
    if (server.listening) this.#checkAutoReady();
    else server.once('listening', () => this.#checkAutoReady());
    return this;
  }

  /** Adds a cleanup hook: run after the servers drained, in reverse registration order. */
  hook(name: string, fn: HookFunction, options: HookOptions = {}): this {
    if (typeof name !== 'string' || name === '')
      throw new InvalidOptionError('hook: name', 'a non-empty string', name);
    if (typeof fn !== 'function')
      throw new InvalidOptionError(`hook "${name}": fn`, 'a function', fn);
    const timeout =
      options.timeout === undefined
        ? this.options.hookTimeout
        : parseHookTimeout(name, options.timeout);
    this.#hooks.push({ name, fn, timeout });
    return this;
  }

  /** Marks the app ready (with `readiness: 'manual'`, the only way; with 'auto', an early override). */
  ready(): void {
    if (this.#phase !== 'starting') return;
    this.#started = true;
    this.#setPhase('serving');
  }

  /** Starts the shutdown (or joins the one running) and resolves with its report. */
  shutdown(reason = 'shutdown()'): Promise<ShutdownReport> {
    return this.#begin(reason);
  }

  /** Prometheus text exposition of the counters and phase. */
  metrics(): string {
    return renderMetrics({
      phase: this.#phase,
      ready: this.isReady,
      counters: this.#counters,
      openConnections: this.#servers.reduce((n, s) => n + s.openConnections, 0),
      inFlight: this.#servers.reduce((n, s) => n + s.inFlight, 0),
      phaseStarted: this.#phaseStarted,
      hooks: this.#hookRecords,
    });
  }

  /** Stops listening for signals, closes the admin server and unwraps every server (no shutdown). */
  dispose(): void {
    for (const signal of this.options.signals) this.#process.off(signal, this.#signalHandler);
    if (this.#admin) closeAdmin(this.#admin);
    for (const server of this.#servers) server.untrack();
  }

  #begin(reason: string): Promise<ShutdownReport> {
    if (this.#result !== undefined) return this.#result;
    const shutdown = new Shutdown({
      options: this.options,
      clock: this.#clock,
      counters: this.#counters,
      servers: () => this.#servers,
      hooks: () => this.#hooks,
      setPhase: (phase, fields) => this.#setPhase(phase, fields),
      onHook: (record) => this.#onHook(record),
    });
    this.#shutdown = shutdown;
    this.#result = shutdown.run(reason).then(
      (partial) => this.#finish(partial),
      (error: unknown) => {
        // A bug, not a drain outcome: say so, and still end the process as a forced shutdown would.
        this.#log.error({ event: 'shutdown-failed', err: error }, 'shutdown failed unexpectedly');
        this.dispose();
        if (this.options.exit) this.#process.exit(this.options.exitCodes.forced);
        throw error;
      },
    );
    return this.#result;
  }

  #finish(partial: Omit<ShutdownReport, 'exitCode'>): ShutdownReport {
    const report: ShutdownReport = {
      ...partial,
      exitCode: this.options.exitCodes[partial.outcome],
    };
    this.#setPhase('stopped', { report });
    if (report.outcome === 'forced') {
      this.#log.error(
        { event: 'forced', by: report.forcedBy, cut: report.cut },
        `shutdown forced by ${report.forcedBy}: cut ${report.cut.requests} in-flight request(s), ${report.cut.connections} connection(s)${report.cut.hooks.length ? `, hooks ${report.cut.hooks.join(', ')}` : ''}`,
      );
    }
    if (report.cut.raced > 0) {
      this.#log.error(
        { event: 'requests-raced', raced: report.cut.raced },
        `${report.cut.raced} request(s) arrived on connections lameduck had already closed and could not be answered: the drain delay (${this.options.drainDelay} ms) is shorter than the time load balancers took to stop sending`,
      );
    }
    this.emit('stopped', report);
    // Exit before removing the signal listeners: a signal that arrives in between (the kubelet's
    // SIGTERM right after /prestop returned) must not find the default handler and kill the process.
    if (this.options.exit) this.#process.exit(report.exitCode);
    this.dispose();
    return report;
  }

  #onSignal(signal: NodeJS.Signals): void {
    this.#signalsReceived++;
    if (this.#result === undefined) {
      this.#begin(signal).catch(() => {});
      return;
    }
    if (
      this.#signalsReceived >= 2 &&
      this.options.forceOnSecondSignal &&
      this.#phase !== 'stopped'
    ) {
      this.#log.warn({ event: 'second-signal', signal }, `${signal} again: forcing the shutdown`);
      this.#shutdown?.force('second-signal');
    } else {
      this.#log.info({ event: 'signal', signal }, `${signal} joined the shutdown already running`);
    }
  }

  #onHook(record: HookRecord): void {
    this.#hookRecords.push(record);
    const fields = {
      event: 'hook',
      hook: record.name,
      outcome: record.outcome,
      durationMs: record.durationMs,
    };
    if (record.outcome === 'ok') this.#log.info(fields, `hook ${record.name} done`);
    else
      this.#log.error({ ...fields, error: record.error }, `hook ${record.name} ${record.outcome}`);
    this.emit('hook', record);
  }

  #setPhase(phase: Phase, fields: object = {}): void {
    const previous = this.#phase;
    if (previous === phase) return;
    this.#phase = phase;
    const at = Date.now();
    this.#phaseStarted[phase] = at;
    if (phase === 'draining') this.#draining.abort();
    if (phase === 'closing') this.#closing.abort();
    if (phase === 'stopped' && !this.#closing.signal.aborted) this.#closing.abort();
    this.#log.info({ event: phase, previous, ...fields }, phaseMessage(phase));
    this.emit('phase', { phase, previous, at });
  }

  #checkAutoReady(): void {
    if (this.options.readiness !== 'auto' || this.#phase !== 'starting') return;
    // Let servers registered in the same tick be counted before deciding.
    setImmediate(() => {
      if (
        this.#phase === 'starting' &&
        this.#servers.length > 0 &&
        this.#servers.every((s) => s.listening)
      ) {
        this.ready();
      }
    });
  }

  #probeState(): ProbeState {
    return {
      ready: this.isReady,
      started: this.#started,
      shuttingDown: isShuttingDown(this.#phase),
    };
  }

  #appProbe(paths: Exclude<ResolvedOptions['appProbes'], false>) {
    return (request: IncomingMessage, response: ServerResponse): boolean => {
      const kind = probeFor(paths, request.url);
      if (!kind) return false;
      answerProbe(kind, this.#probeState(), request, response);
      return true;
    };
  }
}

type ResolvedClock = NonNullable<LameduckOptions['clock']>;

/** Creates the process's drain timeline; see `LameduckOptions` for every option and its default. */
export function createLameduck(options: LameduckOptions = {}): Lameduck {
  return new Lameduck(options);
}
