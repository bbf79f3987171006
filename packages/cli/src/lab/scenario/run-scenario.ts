import { deadline } from '../../core/abort.js';
import { type Clock, sleep, systemClock } from '../../core/clock.js';
import { Deployment } from '../control-plane/deployment.js';
import { EndpointController, logProxySyncs } from '../control-plane/endpoints.js';
import { EventLog } from '../control-plane/events.js';
import { Kubelet, type KubeletSettings } from '../kubelet/kubelet.js';
import { type NetworkSettings, startDataPath } from '../network/data-path.js';
import type { RolloutRecord, ScenarioResult } from '../report/result.js';
import { Timeline } from '../report/timeline.js';
import { upperBound } from '../spec/distribution.js';
import type { FailureClass, LoadResult, RunLoad } from '../traffic/load-contract.js';
import { sendTraffic, type TrafficSettings } from '../traffic/traffic.js';
import type { PlannedScenario } from './plan.js';

/** The scenario runner's own part of the settings: how many rollouts, and the waits around them. */
export interface RolloutSettings {
  readonly rollouts: number;
  /** A rollout that is not complete after this long is reported as stalled (progressDeadlineSeconds). */
  readonly rolloutTimeoutMs: number;
  /** Load before the first rollout and after the last old pod is gone. */
  readonly settleMs: number;
}

/** Every setting of a lab run (flags after defaults), one part per component. */
export interface LabSettings {
  readonly traffic: TrafficSettings;
  readonly network: NetworkSettings;
  readonly kubelet: KubeletSettings;
  readonly rollout: RolloutSettings;
}

/** What must be removed synchronously if the process exits while a scenario runs (a crash). */
export interface SyncCleanup {
  closeSync(): void;
}

/** What a scenario takes from outside the lab: the load checker, the environment, the clock. */
export interface ScenarioDependencies {
  readonly runLoad: RunLoad;
  /** Environment every container inherits (PATH and friends). */
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** iptables chain prefix, unique per scenario (contains the lab's pid). */
  readonly chainPrefix: string;
  readonly signal: AbortSignal;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly progress?: (line: string) => void;
  /** Receives the running scenario's cleanup, then undefined once it is removed. */
  readonly onRunning?: (cleanup: SyncCleanup | undefined) => void;
}

/** Outcomes per this many ms in the timeline. */
const BUCKET_MS = 100;

/**
 * Runs one scenario: deploys the spec, starts the load against the Service, rolls out `rollouts` new
 * revisions one after the other, lets the last old pods terminate, stops the load and removes every
 * process, socket and rule it created (also on abort or error).
 */
export async function runScenario(
  scenario: PlannedScenario,
  settings: LabSettings,
  deps: ScenarioDependencies,
): Promise<ScenarioResult> {
  const { name, spec } = scenario;
  const { network, rollout: timing } = settings;
  const clock = deps.clock ?? systemClock;
  const log = new EventLog(clock);
  const endpoints = new EndpointController();
  let dataPath: Awaited<ReturnType<typeof startDataPath>>;
  try {
    dataPath = await startDataPath(network, {
      port: spec.template.port,
      chainPrefix: deps.chainPrefix,
      random: deps.random,
      watch: (view) =>
        endpoints.watch({
          name: view,
          propagation: network.propagation,
          clock,
          ...(deps.random ? { random: deps.random } : {}),
          onSync: logProxySyncs(log, view),
        }),
    });
  } catch (error) {
    endpoints.close();
    throw error;
  }
  const terminations: number[] = [];
  let deployment: Deployment | undefined;
  const kubelet = new Kubelet({
    ...settings.kubelet,
    baseEnv: deps.baseEnv,
    cwd: deps.cwd,
    addresses: dataPath.block,
    clock,
    log,
    onPodUpdate: (pod) => {
      endpoints.podChanged(pod);
      if (pod.phase === 'terminated' && pod.terminationMs !== undefined) {
        terminations.push(pod.terminationMs);
      }
      deployment?.poke();
    },
  });
  const path = dataPath;
  deps.onRunning?.({
    closeSync() {
      kubelet.closeSync();
      path.closeSync();
    },
  });
  const controller = new Deployment({
    spec,
    clock,
    createPod: (template, revision) => kubelet.createPod(template, revision),
  });
  deployment = controller;
  const timeline = new Timeline(BUCKET_MS);
  const rollouts: RolloutRecord[] = [];
  const loadStop = new AbortController();
  const stopLoad = () => loadStop.abort();
  deps.signal.addEventListener('abort', stopLoad, { once: true });
  let error: string | undefined;
  let load: LoadResult | undefined;
  const rollout = async (what: string): Promise<RolloutRecord> => {
    const limit = deadline(deps.signal, timing.rolloutTimeoutMs, clock);
    try {
      const r = await controller.rollout(limit.signal);
      return {
        revision: r.revision,
        startedAt: r.startedAt - log.origin,
        completedAt: r.completedAt - log.origin,
        settledAt: r.settledAt - log.origin,
      };
    } catch (cause) {
      if (deps.signal.aborted) throw cause;
      const reason = kubelet.stallReason();
      throw new Error(
        `${what} did not complete within ${timing.rolloutTimeoutMs} ms${reason ? `: ${reason}` : ''}`,
      );
    } finally {
      limit.clear();
    }
  };
  try {
    deps.progress?.(`${name}: deploying ${spec.replicas} pods behind ${path.url}`);
    await rollout('the initial deployment');
    // Every proxy knows the pods before the load starts.
    await sleep(clock, upperBound(network.propagation) + 100, deps.signal);
    const loadStartedAt = log.elapsed();
    const loadRun = sendTraffic(deps.runLoad, settings.traffic, {
      url: path.url,
      signal: loadStop.signal,
      onRequest: (record) => timeline.add(record, loadStartedAt),
    });
    try {
      await sleep(clock, timing.settleMs, deps.signal);
      for (let i = 1; i <= timing.rollouts && !deps.signal.aborted; i++) {
        deps.progress?.(`${name}: rolling update ${i}/${timing.rollouts}`);
        rollouts.push(await rollout(`rolling update ${i}`));
      }
      await sleep(clock, timing.settleMs, deps.signal);
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    } finally {
      loadStop.abort();
      load = await loadRun;
    }
  } catch (cause) {
    error ??= cause instanceof Error ? cause.message : String(cause);
  } finally {
    deps.signal.removeEventListener('abort', stopLoad);
    const podsGone = kubelet.close();
    endpoints.close();
    await path.close();
    await podsGone;
    deps.onRunning?.(undefined);
  }
  if (deps.signal.aborted) throw deps.signal.reason ?? new Error('aborted');
  const first = rollouts[0];
  const last = rollouts.at(-1);
  return {
    name,
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
