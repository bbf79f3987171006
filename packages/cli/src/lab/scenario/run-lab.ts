import type { Clock } from '../../core/clock.js';
import type { ScenarioResult } from '../report/result.js';
import type { RunLoad } from '../traffic/load-contract.js';
import type { PlannedScenario } from './plan.js';
import { type LabSettings, runScenario, type SyncCleanup } from './run-scenario.js';

export interface LabDependencies {
  readonly runLoad: RunLoad;
  /** Environment every container inherits (PATH and friends). */
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Unique per process (the pid goes into iptables chain names). */
  readonly pid: number;
  readonly signal: AbortSignal;
  readonly clock?: Clock;
  readonly progress?: (line: string) => void;
  /** The running scenario's cleanup, for synchronous removal at process exit. */
  readonly onRunning?: (cleanup: SyncCleanup | undefined) => void;
}

/** Runs the planned scenarios one after the other (they share the machine's cores, never the network). */
export async function runLab(
  planned: readonly PlannedScenario[],
  settings: LabSettings,
  deps: LabDependencies,
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  let index = 0;
  for (const scenario of planned) {
    if (deps.signal.aborted) break;
    const result = await runScenario(scenario, settings, {
      runLoad: deps.runLoad,
      baseEnv: deps.baseEnv,
      cwd: deps.cwd,
      chainPrefix: `LDLAB${deps.pid}x${++index}`,
      signal: deps.signal,
      ...(deps.clock ? { clock: deps.clock } : {}),
      ...(deps.progress ? { progress: deps.progress } : {}),
      ...(deps.onRunning ? { onRunning: deps.onRunning } : {}),
    });
    deps.progress?.(
      `${scenario.name}: ${result.requests} requests, ${result.failed} failed${result.error ? ` (${result.error})` : ''}`,
    );
    results.push(result);
  }
  return results;
}
