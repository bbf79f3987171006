import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Clock } from '../../core/clock.js';
import type { FailureClass, Outcome } from '../result.js';
import type { Job, Transport, TransportEvents } from '../transport/transport.js';
import { type Arrivals, constantArrivals } from './arrivals.js';
import { fixedPoolSize, type PoolSize } from './pool-size.js';
import type { Recorder } from './recorder.js';

export interface SchedulerOptions {
  /** Requests per second; null for the closed loop. */
  readonly rate: number | null;
  /** When each request is due, if not at the constant `rate` (a ramp). */
  readonly arrivals?: Arrivals | undefined;
  /** Picks the target of each request (index into the run's targets); always 0 without it. */
  readonly pickTarget?: (() => number) | undefined;
  /** The connection pool's size, told each request's service time; fixed at `concurrency` without it. */
  readonly poolSize?: PoolSize | undefined;
  readonly durationMs: number | null;
  readonly timeoutMs: number;
  readonly lateThresholdMs: number;
  /** Closed loop: requests kept in flight at once. */
  readonly concurrency: number;
  readonly signal: AbortSignal | undefined;
  /** Ends scheduling like the end of the duration; in-flight requests still get their outcome. */
  readonly endSignal: AbortSignal | undefined;
}

export interface SchedulerRun {
  readonly elapsedMs: number;
  readonly aborted: boolean;
  /** Late sends that had waited for a free connection (the rest were late for lack of CPU). */
  readonly lateWaitingForConnection: number;
  readonly eventLoopDelayP99: number;
  readonly eventLoopDelayMax: number;
  /** Sends that had to wait for a free connection at all (late or not). */
  readonly waitedForConnection: number;
  /** The most connections open at once. */
  readonly peakConnections: number;
  /** Requests that timed out while still waiting for a connection: never sent. */
  readonly neverSent: number;
}

const LOOP_RESOLUTION_MS = 10;
/** In-flight requests still unanswered this long after an abort are counted as cancelled. */
export const ABORT_GRACE_MS = 1000;

/** The histogram records whole sampling intervals (ns); the delay is what exceeds the resolution. */
function loopDelayMs(intervalNs: number): number {
  if (!Number.isFinite(intervalNs)) return 0;
  return Math.max(0, Math.round((intervalNs / 1e6 - LOOP_RESOLUTION_MS) * 100) / 100);
}

/**
 * Drives a run: schedules requests (open model: request k is due at k/rate seconds, whatever the
 * server does), hands them to the transport, times them out from their scheduled time, and records
 * each outcome. Resolves when every scheduled request has an outcome. Time is read, and timers are
 * set, only through `clock`; its timers keep the process alive while the run lasts.
 */
export function runScheduler(
  options: SchedulerOptions,
  recorder: Recorder,
  makeTransport: (events: TransportEvents) => Transport,
  clock: Clock,
): Promise<SchedulerRun> {
  const t0 = clock.now();
  const elapsed = () => clock.now() - t0;
  const inflight = new Set<Job>();
  const { rate, durationMs, timeoutMs, signal } = options;
  const arrivals = options.arrivals ?? (rate === null ? null : constantArrivals(rate));
  const total =
    arrivals !== null && durationMs !== null ? arrivals.countBefore(durationMs) : Infinity;
  const pickTarget = options.pickTarget ?? (() => 0);
  const poolSize = options.poolSize ?? fixedPoolSize(options.concurrency);
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loopDelay.enable();

  let next = 0;
  let lateQueued = 0;
  let waited = 0;
  let peakConnections = 0;
  let neverSent = 0;
  let scheduling = true;
  let aborted = false;
  let stoppedAt: number | undefined;
  let cancelTick: (() => void) | undefined;
  let finishRun: (() => void) | undefined;

  const events: TransportEvents = {
    started(job) {
      const now = elapsed();
      job.startedAt = now;
      const late = now - job.scheduledAt > options.lateThresholdMs;
      recorder.sent(job.scheduledAt, late);
      if (job.queued) waited++;
      if (late && job.queued) lateQueued++;
    },
    finish(job, outcome, message) {
      // one clock read per outcome, shared by the latency and the closed loop's next request
      const now = elapsed();
      if (!job.done && job.startedAt >= 0) {
        poolSize.observe(now - job.startedAt, arrivals?.rateAt(now) ?? 0, now);
      }
      resolve(job, outcome, now, message);
      replenish(now);
    },
    retried(job) {
      if (job.done) return;
      job.retries++;
      recorder.retried(job.scheduledAt);
    },
  };

  /** Closed loop: every request that ends is replaced at once, until the duration is over. */
  function replenish(now: number): void {
    if (arrivals !== null || !scheduling) return;
    if (durationMs !== null && now >= durationMs) stopScheduling(durationMs);
    else dispatch(now);
  }
  const transport = makeTransport(events);

  /** Records the outcome of a job at `now` (ms since the start), once. */
  function resolve(job: Job, outcome: Outcome, now: number, message?: string): void {
    if (job.done) return;
    job.done = true;
    job.cancel = undefined;
    inflight.delete(job);
    recorder.resolved(job.scheduledAt, now - job.scheduledAt, outcome, message, job.target);
    maybeDone();
  }

  function dispatch(scheduledAt: number): void {
    const job: Job = {
      scheduledAt,
      target: pickTarget(),
      done: false,
      cancel: undefined,
      queued: false,
      startedAt: -1,
      retries: 0,
      timeoutClass: undefined,
    };
    recorder.scheduled(scheduledAt, job.target);
    inflight.add(job);
    transport.send(job);
    const open = transport.openConnections;
    if (open > peakConnections) peakConnections = open;
  }

  function tick(): void {
    cancelTick = undefined;
    if (!scheduling || arrivals === null) return;
    const now = elapsed();
    for (let due = arrivals.due(next); next < total && due <= now; due = arrivals.due(next)) {
      dispatch(due);
      next++;
    }
    const nextDue = arrivals.due(next);
    if (next >= total || !Number.isFinite(nextDue)) {
      stopScheduling(durationMs ?? undefined);
      return;
    }
    recorder.closeBefore(Math.floor(nextDue / 1000));
    cancelTick = clock.setTimer(tick, Math.max(1, nextDue - elapsed()), true);
  }

  /** Ends scheduling; `at` is the end of the schedule when it ran its full duration. */
  function stopScheduling(at?: number): void {
    if (!scheduling) return;
    scheduling = false;
    stoppedAt = typeof at === 'number' ? at : elapsed();
    cancelTick?.();
    cancelTick = undefined;
    recorder.closeAll();
    maybeDone();
  }

  // Timeouts: requests are in the set in scheduled order, so the sweep stops at the first young one.
  const sweepMs = Math.min(100, Math.max(5, timeoutMs / 20));
  let cancelSweep: (() => void) | undefined;
  const sweep = (): void => {
    cancelSweep = clock.setTimer(sweep, sweepMs, true);
    const now = elapsed();
    if (arrivals === null && scheduling) recorder.closeBefore(Math.floor(now / 1000));
    for (const job of inflight) {
      if (now - job.scheduledAt < timeoutMs) break;
      const cancel = job.cancel;
      const failure: FailureClass = job.timeoutClass ?? 'timeout';
      const stage = failure === 'dns-timeout' ? ' (the host name was still being resolved)' : '';
      if (job.startedAt >= 0)
        poolSize.observe(now - job.startedAt, arrivals?.rateAt(now) ?? 0, now);
      else neverSent++;
      resolve(
        job,
        failure,
        now,
        `no complete response within ${timeoutMs} ms of the scheduled send${stage}`,
      );
      cancel?.();
      replenish(now);
    }
  };

  const onEnd = () => stopScheduling();
  let cancelGrace: (() => void) | undefined;
  const onAbort = () => {
    aborted = true;
    stopScheduling();
    cancelGrace = clock.setTimer(
      () => {
        for (const job of inflight) {
          job.done = true;
          job.cancel?.();
          recorder.cancelled(job.scheduledAt, job.target);
        }
        inflight.clear();
        maybeDone();
      },
      ABORT_GRACE_MS,
      true,
    );
  };

  function maybeDone(): void {
    if (scheduling || inflight.size > 0 || !finishRun) return;
    const done = finishRun;
    finishRun = undefined;
    done();
  }

  return new Promise<SchedulerRun>((resolvePromise) => {
    finishRun = () => {
      cancelSweep?.();
      cancelGrace?.();
      signal?.removeEventListener('abort', onAbort);
      options.endSignal?.removeEventListener('abort', onEnd);
      transport.close();
      loopDelay.disable();
      resolvePromise({
        elapsedMs: Math.round(stoppedAt ?? elapsed()),
        aborted,
        lateWaitingForConnection: lateQueued,
        eventLoopDelayP99: loopDelayMs(loopDelay.percentile(99)),
        eventLoopDelayMax: loopDelayMs(loopDelay.max),
        waitedForConnection: waited,
        peakConnections,
        neverSent,
      });
    };
    cancelSweep = clock.setTimer(sweep, sweepMs, true);
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    if (options.endSignal?.aborted) stopScheduling();
    options.endSignal?.addEventListener('abort', onEnd, { once: true });
    if (arrivals === null) {
      for (let i = 0; i < options.concurrency; i++) dispatch(elapsed());
      if (durationMs !== null) {
        cancelTick = clock.setTimer(() => stopScheduling(durationMs), durationMs, true);
      }
    } else {
      tick();
    }
  });
}
