import { aborted, anySignal } from '../../core/abort.js';
import { type Clock, sleep } from '../../core/clock.js';
import type { EventLog } from '../control-plane/events.js';
import type { PodTemplate } from '../spec/template.js';
import { Container, type ContainerExit } from './container.js';
import { containerEnv } from './env.js';
import { runHandler } from './handlers.js';
import { startPodProbes } from './probes.js';

export type PodPhase = 'running' | 'terminating' | 'terminated';

export interface PodOptions {
  readonly name: string;
  readonly revision: number;
  /** The pod's own loopback address (127.x.y.z). */
  readonly host: string;
  readonly template: PodTemplate;
  /** Environment every pod inherits (PATH and friends); the pod network's and the template's go on top. */
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly pidNamespace: boolean;
  readonly clock: Clock;
  readonly log: EventLog;
  /** Called whenever readiness or phase changes (the endpoint and deployment controllers listen). */
  readonly onUpdate: (pod: Pod) => void;
  /** The container exited before the pod was ever ready, with the exit and its last message. */
  readonly onStartFailure?: (pod: Pod, detail: string) => void;
}

/** The kubelet's minimum grace after a long preStop (kuberuntime_manager.go minimumGracePeriodInSeconds). */
export const MINIMUM_GRACE_MS = 2_000;
/** CrashLoopBackOff: 10 s doubling to 5 min (kubelet backOffPeriod / MaxContainerBackOff). */
const BACKOFF_INITIAL_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;

/**
 * One pod and the kubelet that runs it: starts the container, runs startup/readiness/liveness probes,
 * restarts a crashed container with back-off, and terminates it exactly as the kubelet's killContainer
 * does (grace countdown starts before preStop; preStop; SIGTERM to PID 1; SIGKILL at expiry; 2 s floor).
 */
export class Pod {
  readonly name: string;
  readonly revision: number;
  readonly host: string;
  readonly template: PodTemplate;
  phase: PodPhase = 'running';
  ready = false;
  /** When the pod last became ready (for minReadySeconds), or undefined. */
  readySince: number | undefined;
  restarts = 0;
  /** The pod has been Ready at least once. */
  everReady = false;
  /** Why the last container exited while nobody asked it to (crash reports). */
  lastCrash: string | undefined;
  readonly terminated: Promise<void>;
  readonly #o: PodOptions;
  readonly #stop = new AbortController();
  readonly #destroy = new AbortController();
  #container: Container | undefined;
  #probes: AbortController | undefined;
  #resolveTerminated!: () => void;
  #terminationStartedAt: number | undefined;
  terminationMs: number | undefined;

  constructor(options: PodOptions) {
    this.#o = options;
    this.name = options.name;
    this.revision = options.revision;
    this.host = options.host;
    this.template = options.template;
    this.terminated = new Promise((resolve) => {
      this.#resolveTerminated = resolve;
    });
    options.log.record(this.name, 'created', `${options.host}:${options.template.port}`);
    void this.#lifecycle();
  }

  /** The container's port (on the pod's own address). */
  get port(): number {
    return this.template.port;
  }

  /** The container's environment (see `containerEnv`). */
  get env(): Record<string, string> {
    return containerEnv(
      this.#o.baseEnv,
      { name: this.name, ip: this.host, port: this.template.port },
      this.template.env,
    );
  }

  /** The API server deletes the pod: marks it terminating and starts the kubelet's kill sequence. */
  delete(): void {
    if (this.phase !== 'running') return;
    this.phase = 'terminating';
    this.#terminationStartedAt = this.#o.clock.now();
    this.#o.log.record(this.name, 'terminating');
    this.#o.onUpdate(this);
    this.#stop.abort();
  }

  /** Cleanup: SIGKILL whatever is left of the pod, now, skipping the graceful sequence. */
  destroy(): void {
    if (this.phase === 'running') this.phase = 'terminating';
    this.#destroy.abort();
    this.#stop.abort();
    this.#probes?.abort();
    this.#container?.killAll();
  }

  async #lifecycle(): Promise<void> {
    let backoff = BACKOFF_INITIAL_MS;
    while (this.phase === 'running') {
      const container = this.#start();
      const exit = await Promise.race([container.exited, aborted(this.#stop.signal)]);
      if (exit === undefined) break; // deleted: terminate below
      this.#probes?.abort();
      this.#setReady(false, 'container exited');
      this.lastCrash = describeExit(exit, container.output);
      this.#o.log.record(this.name, 'crashed', this.lastCrash);
      this.#o.onUpdate(this);
      if (!this.everReady) this.#o.onStartFailure?.(this, this.lastCrash);
      await sleep(this.#o.clock, backoff, this.#stop.signal);
      backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      if (this.phase === 'running') {
        this.restarts++;
        this.#o.log.record(this.name, 'restarted', `restart ${this.restarts}`);
      }
    }
    await this.#kill();
    this.phase = 'terminated';
    this.terminationMs = this.#o.clock.now() - (this.#terminationStartedAt ?? this.#o.clock.now());
    this.#o.onUpdate(this);
    this.#resolveTerminated();
  }

  #start(): Container {
    const container = new Container({
      command: this.template.command,
      env: this.env,
      cwd: this.#o.cwd,
      pidNamespace: this.#o.pidNamespace,
      clock: this.#o.clock,
    });
    this.#container = container;
    this.#o.log.record(this.name, 'started', this.template.command.join(' '));
    void container.exited.then((exit) => {
      this.#o.log.record(this.name, 'exited', describeExit(exit, []));
    });
    this.#startProbes();
    return container;
  }

  #startProbes(): void {
    const probes = new AbortController();
    this.#probes = probes;
    startPodProbes({
      template: this.template,
      target: { host: this.host, env: this.env, cwd: this.#o.cwd },
      signal: probes.signal,
      deleted: this.#stop.signal,
      clock: this.#o.clock,
      onReady: (ready, detail) => this.#setReady(ready, detail),
      onLivenessFailure: (detail) => {
        this.#o.log.record(this.name, 'not-ready', `liveness probe failed: ${detail}`);
        this.#container?.killAll();
      },
    });
  }

  #setReady(ready: boolean, detail?: string): void {
    if (ready === this.ready) return;
    this.ready = ready;
    if (ready) this.everReady = true;
    this.readySince = ready ? this.#o.clock.now() : undefined;
    this.#o.log.record(this.name, ready ? 'ready' : 'not-ready', detail);
    this.#o.onUpdate(this);
  }

  /** kuberuntime_container.go killContainer, with the grace countdown starting before preStop. */
  async #kill(): Promise<void> {
    const container = this.#container;
    if (!container?.running) return;
    if (this.#destroy.signal.aborted) {
      container.killAll();
      await container.exited;
      return;
    }
    const { clock, log } = this.#o;
    const started = clock.now();
    const grace = this.template.terminationGracePeriodMs;
    const preStop = this.template.preStop;
    if (preStop && grace > 0) {
      const gone = new AbortController();
      void container.exited.then(() => gone.abort());
      const target = { host: this.host, env: this.env, cwd: this.#o.cwd };
      const result = await runHandler(preStop, target, {
        timeoutMs: grace,
        clock,
        signal: anySignal(gone.signal, this.#destroy.signal),
      });
      log.record(this.name, 'prestop-done', result.ok ? preStop.kind : `failed: ${result.detail}`);
    }
    const left = Math.max(MINIMUM_GRACE_MS, grace - (clock.now() - started));
    if (await container.signal('SIGTERM')) log.record(this.name, 'sigterm');
    const waited = new AbortController();
    const exited = await Promise.race([
      container.exited,
      sleep(clock, left, anySignal(this.#destroy.signal, waited.signal)).then(() => undefined),
    ]);
    waited.abort();
    if (exited === undefined && container.running) {
      log.record(
        this.name,
        'sigkill',
        `grace period over after ${Math.round(clock.now() - started)} ms`,
      );
      container.killAll();
      await container.exited;
    }
    this.#probes?.abort();
    this.#setReady(false, 'terminated');
  }
}

function describeExit(exit: ContainerExit, output: readonly string[]): string {
  const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
  const last =
    output.findLast((line) => /error|cannot|failed|denied|not found/i.test(line)) ?? output.at(-1);
  return last ? `${how}: ${last.slice(0, 200)}` : how;
}
