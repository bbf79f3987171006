import type { LookupFunction } from 'node:net';
import { type Clock, systemClock } from '../core/clock.js';
import { constantArrivals, rampArrivals } from './engine/arrivals.js';
import { clientWarnings } from './engine/client-warnings.js';
import { autoPoolSize, fixedPoolSize } from './engine/pool-size.js';
import { Recorder } from './engine/recorder.js';
import { runScheduler } from './engine/scheduler.js';
import { TargetPicker } from './engine/targets.js';
import { type LoadOptions, optionsRecord, resolveOptions, shownUrl } from './options.js';
import type { LoadResult, Totals } from './result.js';
import { sharedLookup } from './transport/connect.js';
import { createHttp1Transport } from './transport/http1.js';
import { createHttp2Transport } from './transport/http2.js';

/** Capabilities a test may replace; the defaults are the real thing. */
export interface LoadDependencies {
  /** Name resolution for new connections, Node's own (getaddrinfo) by default. */
  readonly lookup?: LookupFunction;
  /** Where the run reads time and sets its timers; the system clock by default. */
  readonly clock?: Clock;
}

/** Streams one HTTP/2 session carries before the auto pool opens another. */
const STREAMS_PER_AUTO_SESSION = 100;

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
  const recorder = new Recorder(
    { onRequest: options.onRequest, onSecond: options.onSecond },
    resolved.targets.map((t) => ({ url: shownUrl(t.url), method: t.method, weight: t.weight })),
  );
  const arrivals = resolved.ramp
    ? rampArrivals(resolved.ramp)
    : resolved.rate === null
      ? undefined
      : constantArrivals(resolved.rate);
  const pool =
    resolved.connections === 'auto' ? autoPoolSize() : fixedPoolSize(resolved.connections);
  const lookup = sharedLookup(dependencies.lookup);
  const picker = new TargetPicker(resolved.targets.map((t) => t.weight));
  const run = await runScheduler(
    {
      rate: arrivals === undefined ? null : resolved.rate,
      arrivals,
      pickTarget: () => picker.next(),
      poolSize: pool,
      durationMs: resolved.durationMs,
      timeoutMs: resolved.timeoutMs,
      lateThresholdMs: resolved.lateThresholdMs,
      concurrency: typeof resolved.connections === 'number' ? resolved.connections : 0,
      signal: options.signal,
      endSignal: options.endSignal,
    },
    recorder,
    (events) =>
      resolved.http2
        ? createHttp2Transport(
            resolved,
            events,
            resolved.connections === 'auto'
              ? () => Math.ceil(pool.limit() / STREAMS_PER_AUTO_SESSION)
              : pool.limit,
            lookup,
          )
        : createHttp1Transport(resolved, events, pool.limit, lookup),
    clock,
  );
  const totals: Totals = { ...recorder.totals };
  const latency = recorder.latency();
  const health = {
    lateWaitingForConnection: run.lateWaitingForConnection,
    waitedForConnection: run.waitedForConnection,
    peakConnections: run.peakConnections,
    autoConnectionLimit: pool.autoPeak,
    neverSent: run.neverSent,
    eventLoopDelayP99: run.eventLoopDelayP99,
    eventLoopDelayMax: run.eventLoopDelayMax,
  };
  return {
    startedAt,
    elapsedMs: run.elapsedMs,
    aborted: run.aborted,
    totals,
    failures: { ...recorder.failures },
    latency,
    timeline: recorder.timeline,
    samples: recorder.samples(),
    client: {
      ...health,
      warnings: clientWarnings(totals, health, {
        lateMs: resolved.lateThresholdMs,
        connections: resolved.connections,
        http2: resolved.http2,
        rate: resolved.ramp ? Math.max(resolved.ramp.from, resolved.ramp.to) : resolved.rate,
        p50Ms: latency.p50,
      }),
    },
    options: optionsRecord(resolved),
    targets: recorder.targets,
    histograms: recorder.histograms(),
  };
}
