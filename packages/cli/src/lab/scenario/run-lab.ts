import { anySignal } from '../../core/abort.js';
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
  /** The running scenarios' cleanup, for synchronous removal at process exit. */
  readonly onRunning?: (cleanup: SyncCleanup | undefined) => void;
  /** Scenarios run at once (each on its own addresses, chains and servers); 1 by default. */
  readonly parallel?: number;
}

/**
 * Runs the planned scenarios, `parallel` at a time (they share the machine's cores, never the
 * network: each claims its own address block, iptables chains and server folders), and returns
 * their results in the order they were planned.
 */
export async function runLab(
  planned: readonly PlannedScenario[],
  settings: LabSettings,
  deps: LabDependencies,
): Promise<ScenarioResult[]> {
  const results: (ScenarioResult | undefined)[] = planned.map(() => undefined);
  const running = new Map<number, SyncCleanup>();
  const report = () =>
    deps.onRunning?.(
      running.size === 0
        ? undefined
        : {
            closeSync() {
              for (const cleanup of running.values()) cleanup.closeSync();
            },
          },
    );
  let next = 0;
  // One scenario failing for the lab's own reasons (a LabError) stops the others, after their cleanup.
  const stop = new AbortController();
  const signal = anySignal(deps.signal, stop.signal);
  const worker = async () => {
    while (next < planned.length && !signal.aborted) {
      const index = next++;
      const scenario = planned[index] as PlannedScenario;
      const result = await runScenario(scenario, settings, {
        runLoad: deps.runLoad,
        baseEnv: deps.baseEnv,
        cwd: deps.cwd,
        chainPrefix: `LDLAB${deps.pid}x${index + 1}`,
        signal,
        ...(deps.clock ? { clock: deps.clock } : {}),
        ...(deps.progress ? { progress: deps.progress } : {}),
        onRunning: (cleanup) => {
          if (cleanup) running.set(index, cleanup);
          else running.delete(index);
          report();
        },
      });
      deps.progress?.(
        `${scenario.name}: ${result.requests} requests, ${result.failed} failed${result.error ? ` (${result.error})` : ''}`,
      );
      results[index] = result;
    }
  };
  const workers = Math.max(1, Math.min(deps.parallel ?? 1, planned.length));
  const settled = await Promise.allSettled(
    Array.from({ length: workers }, () =>
      worker().catch((error: unknown) => {
        stop.abort(error);
        throw error;
      }),
    ),
  );
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw deps.signal.aborted ? failure.reason : (stop.signal.reason ?? failure.reason);
  return results.filter((r): r is ScenarioResult => r !== undefined);
}
