import type { ManifestDeployment } from '../spec/manifest.js';
import { DEPLOYMENT_DEFAULTS, type DeploymentSpec } from '../spec/template.js';
import {
  type AppLatency,
  SCENARIO_INFO,
  type ScenarioName,
  type ScenarioNetwork,
  scenarioNetwork,
  scenarioSpec,
} from './builtin.js';

export interface PlanSettings {
  readonly scenarios: readonly ScenarioName[];
  /** undefined: the manifest's (or the scenario's) replicas */
  readonly replicas: number | undefined;
  readonly latency: AppLatency;
  readonly port: number;
  /** The slowest proxy's propagation delay: what a preStop sleep or drain delay must cover. */
  readonly propagationMaxMs: number;
  /** The node binary the demo app runs on (process.execPath). */
  readonly node: string;
  /** terminationGracePeriodSeconds of every scenario, in ms. */
  readonly graceMs: number;
  /** `--lb-drain`, when given. */
  readonly lbDrainMs?: number | undefined;
}

export interface PlannedScenario {
  readonly name: string;
  /** One line for the reports. */
  readonly description: string;
  /** The seed story it replays. */
  readonly story?: string;
  readonly spec: DeploymentSpec;
  /** The data path the scenario needs whatever the flags say. */
  readonly network?: ScenarioNetwork;
}

const BUILTIN_REPLICAS = 3;
/** The port of `--port`'s default. */
export const DEFAULT_PORT = 8080;

/** The built-in scenarios to run, each with its Deployment. */
export function planBuiltin(settings: PlanSettings): PlannedScenario[] {
  return settings.scenarios.map((name) => {
    const scenario = {
      replicas: settings.replicas ?? BUILTIN_REPLICAS,
      latency: settings.latency,
      port: settings.port,
      propagationMaxMs: settings.propagationMaxMs,
      node: settings.node,
      graceMs: settings.graceMs,
      lbDrainMs: settings.lbDrainMs,
    };
    const network = scenarioNetwork(name, scenario);
    return {
      name,
      ...SCENARIO_INFO[name],
      spec: scenarioSpec(name, scenario),
      ...(network ? { network } : {}),
    };
  });
}

/**
 * The user's own app: `--cmd` (or the manifest container's command + args) run with the manifest's
 * replicas, strategy, probes, preStop and grace period. Without a manifest, Kubernetes' defaults apply
 * (no probes: a pod is ready as soon as its process runs).
 */
export function planUserApp(
  command: readonly string[],
  manifest: ManifestDeployment | undefined,
  settings: { readonly replicas: number | undefined; readonly port: number | undefined },
): PlannedScenario {
  const m = manifest;
  const probes = {
    ...(m?.startupProbe ? { startupProbe: m.startupProbe } : {}),
    ...(m?.readinessProbe ? { readinessProbe: m.readinessProbe } : {}),
    ...(m?.livenessProbe ? { livenessProbe: m.livenessProbe } : {}),
    ...(m?.preStop ? { preStop: m.preStop } : {}),
  };
  const name = m?.name ?? 'app';
  return {
    name,
    description: `your app: ${command.join(' ')}`.slice(0, 120),
    spec: {
      replicas: settings.replicas ?? m?.replicas ?? BUILTIN_REPLICAS,
      strategy: m?.strategy ?? DEPLOYMENT_DEFAULTS.strategy,
      minReadyMs: m?.minReadyMs ?? 0,
      template: {
        command,
        env: m?.env ?? {},
        // --port wins over the manifest's containerPort (flags win, as documented)
        port: settings.port ?? m?.port ?? DEFAULT_PORT,
        terminationGracePeriodMs:
          m?.terminationGracePeriodMs ?? DEPLOYMENT_DEFAULTS.terminationGracePeriodMs,
        ...probes,
      },
    },
  };
}
