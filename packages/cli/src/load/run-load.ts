import type { LookupFunction } from 'node:net';
import { type Clock, systemClock } from '../core/clock.js';
import { clientWarnings } from './engine/client-warnings.js';
import { Recorder } from './engine/recorder.js';
import { runScheduler } from './engine/scheduler.js';
import { type LoadOptions, optionsRecord, resolveOptions } from './options.js';
import type { LoadResult, Totals } from './result.js';
import { createHttp1Transport } from './transport/http1.js';
import { createHttp2Transport } from './transport/http2.js';

/** Capabilities a test may replace; the defaults are the real thing. */
export interface LoadDependencies {
  /** Name resolution for new connections (HTTP/1.1), Node's own by default. */
  readonly lookup?: LookupFunction;
  /** Where the run reads time and sets its timers; the system clock by default. */
  readonly clock?: Clock;
}

/**
 * Sends requests at a fixed rate (open model) for the duration, or until `signal` aborts, and
 * counts every outcome by class, per second.
 *
 * @example
 * const result = await runLoad({ url: 'http://127.0.0.1:8080/health', rate: 500, durationMs: 30_000 });
 * if (result.totals.failed > 0) console.error(result.failures);
 * @throws {LoadError} `ERR_LAMEDUCK_LOAD_INVALID_OPTION` when an option is invalid (before any request).
 */
export async function runLoad(
  options: LoadOptions,
  dependencies: LoadDependencies = {},
): Promise<LoadResult> {
  const resolved = resolveOptions(options);
  const clock = dependencies.clock ?? systemClock;
  const startedAt = Math.round(clock.now());
  const recorder = new Recorder({ onRequest: options.onRequest, onSecond: options.onSecond });
  const run = await runScheduler(
    {
      rate: resolved.rate,
      durationMs: resolved.durationMs,
      timeoutMs: resolved.timeoutMs,
      lateThresholdMs: resolved.lateThresholdMs,
      concurrency: resolved.connections,
      signal: options.signal,
      endSignal: options.endSignal,
    },
    recorder,
    (events) =>
      resolved.http2
        ? createHttp2Transport(resolved, events)
        : createHttp1Transport(resolved, events, dependencies.lookup),
    clock,
  );
  const totals: Totals = { ...recorder.totals };
  return {
    startedAt,
    elapsedMs: run.elapsedMs,
    aborted: run.aborted,
    totals,
    failures: { ...recorder.failures },
    latency: recorder.latency(),
    timeline: recorder.timeline,
    samples: recorder.samples(),
    client: {
      lateWaitingForConnection: run.lateWaitingForConnection,
      eventLoopDelayP99: run.eventLoopDelayP99,
      eventLoopDelayMax: run.eventLoopDelayMax,
      warnings: clientWarnings(totals, run, resolved.lateThresholdMs),
    },
    options: optionsRecord(resolved),
  };
}
