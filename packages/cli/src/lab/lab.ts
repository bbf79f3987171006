import type { Cluster } from './cluster.js';
import type { RunLoad } from './load-contract.js';
import type { PlannedScenario } from './plan.js';
import { type LabSettings, runScenario, type ScenarioResult } from './run-scenario.js';

export type { LabSettings };

export interface LabDependencies {
  readonly runLoad: RunLoad;
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Unique per process (the pid goes into iptables chain names). */
  readonly pid: number;
  readonly signal: AbortSignal;
  readonly progress?: (line: string) => void;
  /** The cluster currently running, for synchronous cleanup at process exit. */
  readonly onCluster?: (cluster: Cluster | undefined) => void;
}

/** Runs the planned scenarios one after the other (they share the machine's 2 cores, never the network). */
export async function runLab(
  planned: readonly PlannedScenario[],
  settings: LabSettings,
  deps: LabDependencies,
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  let index = 0;
  for (const scenario of planned) {
    if (deps.signal.aborted) break;
    const result = await runScenario({
      name: scenario.name,
      spec: scenario.spec,
      ...settings,
      chainPrefix: `LDLAB${deps.pid}x${++index}`,
      runLoad: deps.runLoad,
      baseEnv: deps.baseEnv,
      cwd: deps.cwd,
      signal: deps.signal,
      ...(deps.progress ? { progress: deps.progress } : {}),
      ...(deps.onCluster ? { onCluster: deps.onCluster } : {}),
    });
    deps.progress?.(
      `${scenario.name}: ${result.requests} requests, ${result.failed} failed${result.error ? ` (${result.error})` : ''}`,
    );
    results.push(result);
  }
  return results;
}
