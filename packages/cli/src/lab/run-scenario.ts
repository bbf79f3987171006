import { type Clock, deadline, monotonicClock, sleep } from './clock.js';
import { Cluster, type IngressMode, type ProxyMode } from './cluster.js';
import { Deployment, type RolloutResult } from './deployment.js';
import { type Distribution, upperBound } from './distribution.js';
import { EventLog, type PodEvent } from './events.js';
import type { FailureClass, RunLoad } from './load-contract.js';
import type { DeploymentSpec } from './template.js';
import { type Bucket, Timeline } from './timeline.js';

/** The knobs every scenario of a lab run shares (flags after defaults). */
export interface LabSettings {
  readonly rate: number;
  readonly rollouts: number;
  readonly nodes: number;
  readonly propagation: Distribution;
  readonly connections: number;
  readonly keepalive: boolean;
  readonly proxy: ProxyMode;
  readonly ingress: IngressMode;
  readonly pidNamespace: boolean;
  /** A rollout that is not complete after this long is reported as stalled (progressDeadlineSeconds). */
  readonly rolloutTimeoutMs: number;
  /** Load before the first rollout and after the last old pod is gone. */
  readonly settleMs: number;
}

export interface ScenarioRunOptions extends LabSettings {
  readonly name: string;
  readonly spec: DeploymentSpec;
  readonly runLoad: RunLoad;
  readonly chainPrefix: string;
  /** Receives the running cluster so an exit handler can remove it synchronously. */
  readonly onCluster?: (cluster: Cluster | undefined) => void;
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly signal: AbortSignal;
  readonly progress?: (line: string) => void;
  readonly clock?: Clock;
}

export interface RolloutRecord {
  readonly revision: number;
  readonly startedAt: number;
  readonly completedAt: number;
  readonly settledAt: number;
}

export interface ScenarioResult {
  readonly name: string;
  readonly requests: number;
  readonly ok: number;
  readonly failed: number;
  readonly failures: Partial<Record<FailureClass, number>>;
  readonly rollouts: readonly RolloutRecord[];
  /** From the first rollout's start to the last one's completion, ms. */
  readonly rolloutMs: number;
  /** The longest time a pod took from deletion to its last process gone, ms. */
  readonly longestTerminationMs: number;
  readonly events: readonly PodEvent[];
  /** Outcomes per 100 ms on the scenario's clock. */
  readonly buckets: readonly Bucket[];
  /** Set when the scenario could not complete (a crashing pod, a stalled rollout). */
  readonly error?: string;
}

/**
 * Runs one scenario: deploys the spec, starts the load against the Service, rolls out `rollouts` new
 * revisions one after the other, lets the last old pods terminate, stops the load and removes every
 * process and socket it created (also on abort or error).
 */
export async function runScenario(o: ScenarioRunOptions): Promise<ScenarioResult> {
  const clock = o.clock ?? monotonicClock();
  const log = new EventLog(clock);
  let deployment: Deployment | undefined;
  const terminations: number[] = [];
  const cluster = await Cluster.start({
    nodes: o.nodes,
    propagation: o.propagation,
    port: o.spec.template.port,
    baseEnv: o.baseEnv,
    cwd: o.cwd,
    pidNamespace: o.pidNamespace,
    proxy: o.proxy,
    ingress: o.ingress,
    chainPrefix: o.chainPrefix,
    clock,
    log,
    onPodUpdate: (pod) => {
      if (pod.phase === 'terminated' && pod.terminationMs !== undefined) {
        terminations.push(pod.terminationMs);
      }
      deployment?.poke();
    },
  });
  o.onCluster?.(cluster);
  deployment = new Deployment({
    spec: o.spec,
    clock,
    createPod: (template, revision) => cluster.createPod(template, revision),
  });
  const timeline = new Timeline(100);
  const rollouts: RolloutRecord[] = [];
  const loadStop = new AbortController();
  const stopLoad = () => loadStop.abort();
  o.signal.addEventListener('abort', stopLoad, { once: true });
  let error: string | undefined;
  let load: Awaited<ReturnType<RunLoad>> | undefined;
  try {
    const rollout = async (what: string) => {
      const limit = deadline(o.signal, o.rolloutTimeoutMs);
      try {
        return await (deployment as Deployment).rollout(limit.signal);
      } catch (cause) {
        if (o.signal.aborted) throw cause;
        throw new Error(
          `${what} did not complete within ${o.rolloutTimeoutMs} ms${stallReason(cluster)}`,
        );
      } finally {
        limit.clear();
      }
    };
    o.progress?.(`${o.name}: deploying ${o.spec.replicas} pods behind ${cluster.serviceUrl}`);
    await rollout('the initial deployment');
    await sleep(upperBound(o.propagation) + 100, o.signal); // every proxy knows the pods
    const loadStartedAt = clock.now();
    const loadRun = o.runLoad({
      url: cluster.serviceUrl,
      rate: o.rate,
      connections: o.connections,
      keepalive: o.keepalive,
      timeoutMs: 5_000,
      signal: loadStop.signal,
      onRequest: (record) => timeline.add(record, loadStartedAt),
    });
    try {
      await sleep(o.settleMs, o.signal);
      for (let i = 1; i <= o.rollouts && !o.signal.aborted; i++) {
        o.progress?.(`${o.name}: rolling update ${i}/${o.rollouts}`);
        const result: RolloutResult = await rollout(`rolling update ${i}`);
        rollouts.push(result);
      }
      await sleep(o.settleMs, o.signal);
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    } finally {
      loadStop.abort();
      load = await loadRun;
    }
  } catch (cause) {
    error ??= cause instanceof Error ? cause.message : String(cause);
  } finally {
    o.signal.removeEventListener('abort', stopLoad);
    await cluster.close();
    o.onCluster?.(undefined);
  }
  if (o.signal.aborted) throw o.signal.reason ?? new Error('aborted');
  const first = rollouts[0];
  const last = rollouts.at(-1);
  return {
    name: o.name,
    requests: load?.totals.scheduled ?? 0,
    ok: load?.totals.ok ?? 0,
    failed: load?.totals.failed ?? 0,
    failures: Object.fromEntries(
      Object.entries(load?.failures ?? {}).filter(([, n]) => (n ?? 0) > 0),
    ) as Partial<Record<FailureClass, number>>,
    rollouts,
    rolloutMs: first && last ? last.completedAt - first.startedAt : 0,
    longestTerminationMs: Math.max(0, ...terminations),
    events: log.events,
    buckets: timeline.buckets(),
    ...(error === undefined ? {} : { error }),
  };
}

/** Why pods are not becoming available: the last crash or the unready pods. */
function stallReason(cluster: Cluster): string {
  const pods = [...cluster.pods].filter((p) => p.phase === 'running');
  const crashing = pods.find((p) => p.lastCrash !== undefined);
  if (crashing) {
    return `: pod ${crashing.name} is crashing (${crashing.restarts} restarts; last: ${crashing.lastCrash})`;
  }
  const unready = pods.filter((p) => !p.ready).map((p) => p.name);
  return unready.length ? `: pods not ready: ${unready.join(', ')}` : '';
}
