import { type Clock, sleep } from '../../core/clock.js';
import type { Probe } from '../spec/template.js';
import { type HandlerResult, type HandlerTarget, runHandler } from './handlers.js';

export interface ProberOptions {
  readonly probe: Probe;
  readonly target: HandlerTarget;
  /** The result before the first probe: false for readiness and startup, true for liveness. */
  readonly initial: boolean;
  /** Called whenever the result flips, with the probe's detail on failure. */
  readonly onChange: (ok: boolean, detail: string | undefined) => void;
  readonly signal: AbortSignal;
  readonly clock: Clock;
}

/**
 * A kubelet probe worker: waits `initialDelay`, then probes every `period` with `timeout`, and flips its
 * result after `successThreshold` consecutive successes or `failureThreshold` consecutive failures
 * (pkg/kubelet/prober/worker.go). Runs until the signal aborts.
 */
export async function runProber(o: ProberOptions): Promise<void> {
  const { probe, target, initial, onChange, signal, clock } = o;
  let result = initial;
  let streak = 0;
  let last: boolean | undefined;
  await sleep(clock, probe.initialDelayMs, signal);
  while (!signal.aborted) {
    const started = clock.now();
    let outcome: HandlerResult;
    try {
      outcome = await runHandler(probe.handler, target, {
        timeoutMs: probe.timeoutMs,
        clock,
        signal,
      });
    } catch (error) {
      outcome = { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
    if (signal.aborted) return;
    streak = outcome.ok === last ? streak + 1 : 1;
    last = outcome.ok;
    const threshold = outcome.ok ? probe.successThreshold : probe.failureThreshold;
    if (outcome.ok !== result && streak >= threshold) {
      result = outcome.ok;
      onChange(result, outcome.detail);
    }
    await sleep(clock, probe.periodMs - (clock.now() - started), signal);
  }
}
