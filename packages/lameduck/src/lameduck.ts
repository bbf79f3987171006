import { EventEmitter, setMaxListeners } from 'node:events';
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { closeAdmin, startAdmin } from './admin.js';
import { systemClock } from './clock.js';
import { newCounters } from './counters.js';
import { InvalidOptionError, LameduckError } from './errors.js';
import {
  type CheckedProbe,
  HEALTH_CHECK_DEFAULTS,
  type HealthCheck,
  type HealthCheckFunction,
  runChecks,
} from './health.js';
import { type Hook, type HookFunction, parseHookTimeout } from './hooks.js';
import { jsonLogger, type Logger, silentLogger } from './logger.js';
import { type HookRecord, renderMetrics } from './metrics.js';
import { type LameduckOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { isShuttingDown, type Phase, phaseMessage } from './phase.js';
import { answerProbe, type CheckRunner, type ProbeState, probeFor } from './probes.js';
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

export interface HealthCheckOptions {
  /** How long the check may take before it counts as failed. @default 1s */
  timeout?: number | string;
  /** The probe it belongs to. @default 'readiness' */
  probe?: CheckedProbe;
}

/**
 * lameduck/auto creates its instance dormant: no signal listeners until a server of the process
 * starts listening, so that a launcher or a one-shot script that loaded it behaves as without it.
 */
export const DORMANT: unique symbol = Symbol('lameduck.dormant');

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
  readonly #checks: HealthCheck[] = [];
  /** Holds not released yet, by id. */
  readonly #holds = new Map<number, string>();
  #holdIds = 0;
  #admin: HttpServer | undefined;
  #adminListening: Promise<AddressInfo | undefined> | undefined;
  readonly #signalHandler = (signal: NodeJS.Signals) => this.#onSignal(signal);
  readonly #crashHandlers = {
    uncaughtException: (error: unknown) => this.#onCrash('uncaughtException', error),
    unhandledRejection: (error: unknown) => this.#onCrash('unhandledRejection', error),
  };
  #listeningToProcess = false;
  #phase: Phase = 'starting';
  #started = false;
  #notReady: string | undefined;
  #hooksStarted = false;
  #crashed = false;
  #signalsReceived = 0;
  #shutdown: Shutdown | undefined;
  #result: Promise<ShutdownReport> | undefined;

  constructor(options: LameduckOptions = {}, internal: { [DORMANT]?: boolean } = {}) {
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
    if (!internal[DORMANT]) this.#listenToProcess();
  }

  get phase(): Phase {
    return this.#phase;
  }

  /** Readiness (health checks aside): serving, and not marked `notReady()`. */
  get isReady(): boolean {
    return this.#phase === 'serving' && this.#notReady === undefined;
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

  /**
   * Resolves with the admin server's address once it listens (undefined without one, or when its
   * port was taken). The admin server starts when the first registered server listens, or when
   * `ready()`, `notReady()` or this method is called.
   */
  adminAddress(): Promise<AddressInfo | undefined> {
    this.#startAdmin();
    return this.#adminListening ?? Promise.resolve(undefined);
  }

  /**
   * Puts a node:http, node:https or node:http2 server under the timeline. Best before it listens; a
   * server that already listens is taken over with the HTTP/1 connections it has open.
   */
  register(server: NetServer, options: RegisterOptions = {}): this {
    if (this.#servers.some((s) => s.server === server)) return this;
    const kind = serverKind(server);
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw new InvalidOptionError('register: name', 'a non-empty string', options.name);
    }
    const name = options.name ?? `${kind}-${this.#servers.length + 1}`;
    const tracked = new TrackedServer(server, name, kind, this.#context);
    this.#servers.push(tracked);
    if (server.listening) tracked.adoptOpenConnections();
    if (this.#phase === 'draining' || this.#phase === 'closing') tracked.beginDrain();
    if (this.#phase === 'closing' || this.#phase === 'stopped') tracked.beginClosing();
    if (server.listening) this.#onListening();
    else server.once('listening', () => this.#onListening());
    return this;
  }

  /**
   * Adds a cleanup hook: run after the servers drained, in reverse registration order. Throws
   * `ERR_LAMEDUCK_SHUTTING_DOWN` once the hooks have started running.
   */
  hook(name: string, fn: HookFunction, options: HookOptions = {}): this {
    if (typeof name !== 'string' || name === '')
      throw new InvalidOptionError('hook: name', 'a non-empty string', name);
    if (typeof fn !== 'function')
      throw new InvalidOptionError(`hook "${name}": fn`, 'a function', fn);
    if (this.#hooksStarted) throw shuttingDown(`hook("${name}")`, 'the hooks are already running');
    const timeout =
      options.timeout === undefined
        ? this.options.hookTimeout
        : parseHookTimeout(name, options.timeout);
    this.#hooks.push({ name, fn, timeout });
    return this;
  }

  /**
   * Adds a health check: `fn` runs on each probe request of its probe (readiness by default), with
   * a timeout; the probe fails while any check fails. Results: `GET /readyz?verbose`.
   */
  healthCheck(name: string, fn: HealthCheckFunction, options: HealthCheckOptions = {}): this {
    if (typeof name !== 'string' || name === '')
      throw new InvalidOptionError('healthCheck: name', 'a non-empty string', name);
    if (typeof fn !== 'function')
      throw new InvalidOptionError(`healthCheck "${name}": fn`, 'a function', fn);
    if (this.#checks.some((c) => c.name === name))
      throw new InvalidOptionError(`healthCheck "${name}"`, 'a name not used yet', name);
    const probe = options.probe ?? HEALTH_CHECK_DEFAULTS.probe;
    if (probe !== 'readiness' && probe !== 'liveness') {
      throw new InvalidOptionError(
        `healthCheck "${name}": probe`,
        "'readiness' or 'liveness'",
        probe,
      );
    }
    const timeout =
      options.timeout === undefined
        ? HEALTH_CHECK_DEFAULTS.timeout
        : parseHookTimeout(name, options.timeout, 'healthCheck');
    this.#checks.push({ name, fn, timeout, probe });
    return this;
  }

  /**
   * Holds the drain open for work outside HTTP (a queue consumer's last messages, a batch step):
   * the shutdown runs the hooks only once every hold is released, within the deadline. Returns the
   * release function (calling it again does nothing). Throws `ERR_LAMEDUCK_SHUTTING_DOWN` once the
   * drain is over.
   */
  hold(name: string): () => void {
    if (typeof name !== 'string' || name === '')
      throw new InvalidOptionError('hold: name', 'a non-empty string', name);
    if (this.#hooksStarted || this.#phase === 'stopped') {
      throw shuttingDown(`hold("${name}")`, 'the drain is over');
    }
    const id = ++this.#holdIds;
    this.#holds.set(id, name);
    this.#serves();
    return () => {
      if (this.#holds.delete(id)) this.#shutdown?.changed();
    };
  }

  /**
   * Marks the app ready: with `readiness: 'manual'`, the only way; with 'auto', an early override.
   * Also clears a `notReady()`. Starts the admin server (and, in lameduck/auto's dormant instance,
   * the signal listeners): a worker with no HTTP server calls it to be a service.
   */
  ready(): void {
    this.#notReady = undefined;
    this.#serves();
    if (this.#phase === 'starting') this.#becomeReady();
  }

  /**
   * Fails readiness until `ready()` (a dependency is down); the servers keep serving. No effect on
   * the shutdown. The reason shows in `GET /readyz?verbose`.
   */
  notReady(reason = 'not ready'): void {
    if (typeof reason !== 'string' || reason === '') {
      throw new InvalidOptionError('notReady: reason', 'a non-empty string', reason);
    }
    this.#notReady = reason;
    this.#serves();
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
    if (this.#listeningToProcess) {
      this.#listeningToProcess = false;
      for (const signal of this.options.signals) this.#process.off(signal, this.#signalHandler);
      if (this.options.drainOnCrash) {
        this.#process.off('uncaughtException', this.#crashHandlers.uncaughtException);
        this.#process.off('unhandledRejection', this.#crashHandlers.unhandledRejection);
      }
    }
    if (this.#admin) closeAdmin(this.#admin);
    for (const server of this.#servers) server.untrack();
  }

  #listenToProcess(): void {
    if (this.#listeningToProcess) return;
    this.#listeningToProcess = true;
    for (const signal of this.options.signals) this.#process.on(signal, this.#signalHandler);
    if (this.options.drainOnCrash) {
      this.#process.on('uncaughtException', this.#crashHandlers.uncaughtException);
      this.#process.on('unhandledRejection', this.#crashHandlers.unhandledRejection);
    }
  }

  /** A registered server listens: the process serves, so it gets the admin server and signals. */
  #onListening(): void {
    this.#serves();
    this.#checkAutoReady();
  }

  /**
   * The process is a service (a server listens, or the app manages readiness or holds work): it
   * gets the admin server and, if lameduck/auto left it dormant, the signal listeners.
   */
  #serves(): void {
    this.#listenToProcess();
    this.#startAdmin();
  }

  #startAdmin(): void {
    if (this.#adminListening || !this.options.admin || this.#phase === 'stopped') return;
    const admin = startAdmin(
      this.options.admin,
      this.#log,
      {
        probeState: () => this.#probeState(),
        checks: this.#checkRunner,
        prestop: async () => {
          this.#log.info(
            { event: 'prestop' },
            'GET /prestop: draining until the delay has elapsed',
          );
          this.#begin('prestop').catch(() => {});
          await (this.#shutdown as Shutdown).whenClosing();
        },
        metrics: () => this.metrics(),
      },
      this.#process.pid,
    );
    this.#admin = admin.server;
    this.#adminListening = admin.listening;
  }

  readonly #checkRunner: CheckRunner = (probe) => runChecks(this.#checks, probe, this.#clock);

  #onCrash(kind: 'uncaughtException' | 'unhandledRejection', error: unknown): void {
    this.#log.error(
      { event: 'crash', kind, err: error },
      `${kind}: draining, then exiting with ${this.options.exitCodes.crashed}`,
    );
    // Node prints the error and its stack itself when it crashes; with a listener it does not.
    const stack = error instanceof Error ? (error.stack ?? String(error)) : String(error);
    (this.#process.stderr ?? process.stderr).write(`${kind}: ${stack}\n`);
    this.#crashed = true;
    if (this.#result === undefined) this.#begin(kind).catch(() => {});
  }

  #begin(reason: string): Promise<ShutdownReport> {
    if (this.#result !== undefined) return this.#result;
    const shutdown = new Shutdown({
      options: this.options,
      clock: this.#clock,
      counters: this.#counters,
      servers: () => this.#servers,
      hooks: () => this.#hooks,
      holds: () => [...this.#holds.values()],
      hooksStarting: () => {
        this.#hooksStarted = true;
      },
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
    // A crash makes the exit non-zero whatever the drain's outcome (the report still says what was
    // cut and why it was forced).
    const outcome = this.#crashed ? 'crashed' : partial.outcome;
    const report: ShutdownReport = {
      ...partial,
      outcome,
      exitCode: this.options.exitCodes[outcome],
    };
    this.#setPhase('stopped', { report });
    if (report.forcedBy) {
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

  #becomeReady(): void {
    this.#started = true;
    this.#setPhase('serving');
  }

  #checkAutoReady(): void {
    if (this.options.readiness !== 'auto' || this.#phase !== 'starting') return;
    // Let servers registered in the same tick be counted before deciding. A server that listened
    // and closed again (a port probe) counts as having started.
    setImmediate(() => {
      if (
        this.#phase === 'starting' &&
        this.#servers.length > 0 &&
        this.#servers.every((s) => s.listenedOnce)
      ) {
        this.#becomeReady();
      }
    });
  }

  #probeState(): ProbeState {
    return {
      ready: this.isReady,
      started: this.#started,
      shuttingDown: isShuttingDown(this.#phase),
      phase: this.#phase,
      reason: this.#notReady,
    };
  }

  #appProbe(paths: Exclude<ResolvedOptions['appProbes'], false>) {
    return (request: IncomingMessage, response: ServerResponse): boolean => {
      const kind = probeFor(paths, request.url);
      if (!kind) return false;
      answerProbe(kind, this.#probeState(), request, response, this.#checkRunner);
      return true;
    };
  }
}

type ResolvedClock = NonNullable<LameduckOptions['clock']>;

function shuttingDown(call: string, why: string): LameduckError {
  return new LameduckError('ERR_LAMEDUCK_SHUTTING_DOWN', `${call} during the shutdown: ${why}`);
}

/** Creates the process's drain timeline; see `LameduckOptions` for every option and its default. */
export function createLameduck(options: LameduckOptions = {}): Lameduck {
  return new Lameduck(options);
}
