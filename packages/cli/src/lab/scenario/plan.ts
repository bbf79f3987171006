import type { ManifestDeployment } from '../spec/manifest.js';
import { DEPLOYMENT_DEFAULTS, type DeploymentSpec } from '../spec/template.js';
import { type ScenarioName, scenarioSpec } from './builtin.js';

export interface PlanSettings {
  readonly scenarios: readonly ScenarioName[];
  /** undefined: the manifest's (or the scenario's) replicas */
  readonly replicas: number | undefined;
  readonly latencyMs: number;
  readonly port: number;
  /** The slowest proxy's propagation delay: what a preStop sleep or drain delay must cover. */
  readonly propagationMaxMs: number;
  /** The node binary the demo app runs on (process.execPath). */
  readonly node: string;
  /** terminationGracePeriodSeconds of every scenario, in ms. */
  readonly graceMs: number;
}

export interface PlannedScenario {
  readonly name: string;
  readonly spec: DeploymentSpec;
}

const BUILTIN_REPLICAS = 3;

/** The built-in scenarios to run, each with its Deployment. */
export function planBuiltin(settings: PlanSettings): PlannedScenario[] {
  return settings.scenarios.map((name) => ({
    name,
    spec: scenarioSpec(name, {
      replicas: settings.replicas ?? BUILTIN_REPLICAS,
      latencyMs: settings.latencyMs,
      port: settings.port,
      propagationMaxMs: settings.propagationMaxMs,
      node: settings.node,
      graceMs: settings.graceMs,
    }),
  }));
}

/**
 * The user's own app: `--cmd` (or the manifest container's command + args) run with the manifest's
 * replicas, strategy, probes, preStop and grace period. Without a manifest, Kubernetes' defaults apply
 * (no probes: a pod is ready as soon as its process runs).
 */
export function planUserApp(
  command: readonly string[],
  manifest: ManifestDeployment | undefined,
  settings: Pick<PlanSettings, 'replicas' | 'port'>,
): PlannedScenario {
  const m = manifest;
  const probes = {
    ...(m?.startupProbe ? { startupProbe: m.startupProbe } : {}),
    ...(m?.readinessProbe ? { readinessProbe: m.readinessProbe } : {}),
    ...(m?.livenessProbe ? { livenessProbe: m.livenessProbe } : {}),
    ...(m?.preStop ? { preStop: m.preStop } : {}),
  };
  return {
    name: m?.name ?? 'app',
    spec: {
      replicas: settings.replicas ?? m?.replicas ?? BUILTIN_REPLICAS,
      strategy: m?.strategy ?? DEPLOYMENT_DEFAULTS.strategy,
      minReadyMs: m?.minReadyMs ?? 0,
      template: {
        command,
        env: m?.env ?? {},
        port: m?.port ?? settings.port,
        terminationGracePeriodMs:
          m?.terminationGracePeriodMs ?? DEPLOYMENT_DEFAULTS.terminationGracePeriodMs,
        ...probes,
      },
    },
  };
}
