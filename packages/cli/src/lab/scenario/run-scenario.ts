import { deadline, linkedSignal } from '../../core/abort.js';
import { type Clock, sleep, systemClock } from '../../core/clock.js';
import { Deployment } from '../control-plane/deployment.js';
import { EndpointController, logProxySyncs } from '../control-plane/endpoints.js';
import { EventLog } from '../control-plane/events.js';
import { Kubelet, type KubeletSettings } from '../kubelet/kubelet.js';
import { type DataPath, type NetworkSettings, startDataPath } from '../network/data-path.js';
import type { RolloutRecord, ScenarioResult, TrafficSummary } from '../report/result.js';
import { Timeline } from '../report/timeline.js';
import type { RunLoad } from '../traffic/load-contract.js';
import { carriedMix } from '../traffic/mix.js';
import { sendTraffic, type TrafficResult, type TrafficSettings } from '../traffic/traffic.js';
import type { PlannedScenario } from './plan.js';

/** The scenario runner's own part of the settings: how many rollouts, and the waits around them. */
export interface RolloutSettings {
  readonly rollouts: number;
  /** A rollout that is not complete after this long is reported as stalled (progressDeadlineSeconds). */
  readonly rolloutTimeoutMs: number;
  /**
   * Load before the first rollout, and after the last change has reached every proxy (the tail
   * that catches late failures).
   */
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
 * Runs one scenario: deploys the spec, starts the load against the front of the data path, rolls
 * out `rollouts` new revisions one after the other, waits until every proxy has applied the last
 * endpoint change, keeps loading for the tail, ends the load gracefully (every request in flight
 * gets its outcome) and removes every process, socket and rule it created (also on abort or error).
 */
export async function runScenario(
  scenario: PlannedScenario,
  settings: LabSettings,
  deps: ScenarioDependencies,
): Promise<ScenarioResult> {
  const { name, spec } = scenario;
  const network: NetworkSettings = { ...settings.network, ...scenario.network };
  const timing = settings.rollout;
  const clock = deps.clock ?? systemClock;
  const log = new EventLog(clock);
  const endpoints = new EndpointController();
  let dataPath: DataPath;
  try {
    dataPath = await startDataPath(network, {
      port: spec.template.port,
      chainPrefix: deps.chainPrefix,
      random: deps.random,
      clock,
      pidNamespace: settings.kubelet.pidNamespace,
      env: deps.baseEnv,
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
  // An app that exits before it ever became ready will not become ready by waiting: say so at once.
  const startFailed = new AbortController();
  const kubelet = new Kubelet({
    ...settings.kubelet,
    baseEnv: deps.baseEnv,
    cwd: deps.cwd,
    addresses: dataPath.addresses,
    clock,
    log,
    onPodUpdate: (pod) => {
      endpoints.podChanged(pod);
      if (pod.phase === 'terminated' && pod.terminationMs !== undefined) {
        terminations.push(pod.terminationMs);
      }
      deployment?.poke();
    },
    onStartFailure: (pod, detail) =>
      startFailed.abort(new Error(`pod ${pod.name} exited before it became ready (${detail})`)),
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
  const endLoad = new AbortController();
  let error: string | undefined;
  let traffic: TrafficResult | undefined;
  let loadStartedAt = 0;
  let loadEndedAt = 0;
  let teardownAt: number | undefined;
  const rollout = async (what: string): Promise<RolloutRecord> => {
    const limit = deadline(deps.signal, timing.rolloutTimeoutMs, clock);
    const stop = linkedSignal(limit.signal, startFailed.signal);
    try {
      const r = await controller.rollout(stop.signal);
      return {
        revision: r.revision,
        startedAt: r.startedAt - log.origin,
        completedAt: r.completedAt - log.origin,
        settledAt: r.settledAt - log.origin,
      };
    } catch (cause) {
      if (deps.signal.aborted) throw cause;
      if (startFailed.signal.aborted) throw startFailed.signal.reason;
      const reason = kubelet.stallReason();
      throw new Error(
        `${what} did not complete within ${timing.rolloutTimeoutMs} ms${reason ? `: ${reason}` : ''}`,
      );
    } finally {
      limit.clear();
      stop.dispose();
    }
  };
  try {
    deps.progress?.(
      `${name}: deploying ${spec.replicas} pods behind ${path.url} (${path.description})`,
    );
    await rollout('the initial deployment');
    // Every proxy knows the pods before the load starts.
    await endpoints.synced();
    await sleep(clock, 100, deps.signal);
    loadStartedAt = log.elapsed();
    const mix = carriedMix(settings.traffic.mix, path.http2Url !== undefined);
    const loadRun = sendTraffic(
      deps.runLoad,
      { ...settings.traffic, mix },
      {
        url: path.url,
        http2Url: path.http2Url,
        signal: deps.signal,
        endSignal: endLoad.signal,
        clock,
        onRequest: (record, startedAt) => timeline.add(record, startedAt - log.origin),
      },
    );
    try {
      await sleep(clock, timing.settleMs, deps.signal);
      for (let i = 1; i <= timing.rollouts && !deps.signal.aborted; i++) {
        deps.progress?.(`${name}: rolling update ${i}/${timing.rollouts}`);
        rollouts.push(await rollout(`rolling update ${i}`));
      }
      // The last old pod is gone; the load goes on until every proxy has learned of it, plus a tail.
      await endpoints.synced();
      await sleep(clock, timing.settleMs, deps.signal);
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    } finally {
      loadEndedAt = log.elapsed();
      endLoad.abort();
      traffic = await loadRun;
    }
  } catch (cause) {
    error ??= cause instanceof Error ? cause.message : String(cause);
  } finally {
    teardownAt = log.elapsed();
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
    description: scenario.description,
    ...(scenario.story ? { story: scenario.story } : {}),
    dataPath: path.description,
    requests: traffic?.scheduled ?? 0,
    ok: traffic?.ok ?? 0,
    failed: traffic?.failed ?? 0,
    failures: traffic?.failures ?? {},
    traffic: summarize(traffic, settings.traffic.rate, loadEndedAt - loadStartedAt),
    rollouts,
    rolloutMs: first && last ? last.completedAt - first.startedAt : 0,
    longestTerminationMs: Math.max(0, ...terminations),
    events: log.events,
    buckets: timeline.buckets(),
    loadStartedAt,
    teardownAt,
    ...(error === undefined ? {} : { error }),
  };
}

/**
 * The lab's own check of the load's figures: at `rate` for `durationMs` it expects rate × duration
 * requests; what the clients scheduled, sent, answered late and never sent is shown next to it.
 */
function summarize(
  traffic: TrafficResult | undefined,
  rate: number,
  durationMs: number,
): TrafficSummary {
  return {
    expected: Math.floor((rate * Math.max(0, durationMs)) / 1000),
    scheduled: traffic?.scheduled ?? 0,
    sent: traffic?.sent ?? 0,
    late: traffic?.late ?? 0,
    durationMs: Math.round(durationMs),
    clients: (traffic?.clients ?? []).map((c) => ({
      kind: c.kind,
      rate: c.rate,
      connections: c.connections,
      scheduled: c.result.totals.scheduled,
      failed: c.result.totals.failed,
      p99Ms: c.result.latency.p99,
    })),
    warnings: traffic?.warnings ?? [],
    samples: (traffic?.clients ?? []).flatMap((c) =>
      c.result.samples.map((x) => ({ kind: c.kind, ...x })),
    ),
  };
}
