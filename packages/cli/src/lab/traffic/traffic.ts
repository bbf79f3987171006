import type { Clock } from '../../core/clock.js';
import type { FailureClass, LoadRequestRecord, LoadResult, RunLoad } from './load-contract.js';
import { CLIENT_KINDS, type ClientKind, type ClientMix } from './mix.js';

/** The traffic's part of the lab's settings. */
export interface TrafficSettings {
  /** Requests per second sent to the front of the data path (open model), all clients together. */
  readonly rate: number;
  /** Share of the rate per client kind. */
  readonly mix: ClientMix;
  /** Connections per client kind's pool; `auto` sizes each from its rate × the mean latency. */
  readonly connections: number | 'auto';
  /** Bytes in each POST body. */
  readonly postBytes: number;
  /** The app's mean latency in ms (Little's law for the pool size). */
  readonly meanLatencyMs: number;
}

/** A request not answered this long after it was due counts as a timeout. */
export const REQUEST_TIMEOUT_MS = 5_000;

/**
 * Connections a pool needs so that requests do not queue: Little's law (rate × mean latency is the
 * mean number in flight), times 4 for bursts and the slow tail, plus a floor.
 */
export function poolSize(rate: number, meanLatencyMs: number, kind: ClientKind): number {
  const inFlight = (rate * meanLatencyMs) / 1000;
  // HTTP/2 multiplexes up to 100 streams per connection.
  if (kind === 'h2') return Math.max(2, Math.ceil((inFlight * 4) / 100) + 1);
  return Math.max(8, Math.ceil(inFlight * 4) + 4);
}

/** One client kind's part of the traffic, as sent. */
export interface ClientRun {
  readonly kind: ClientKind;
  readonly rate: number;
  readonly connections: number;
  readonly result: LoadResult;
}

/** What the lab's traffic did, every client kind together. */
export interface TrafficResult {
  /** Requests due by the schedule, all clients. */
  readonly scheduled: number;
  /** Requests that left the client (the rest waited for a free connection until they timed out). */
  readonly sent: number;
  readonly ok: number;
  readonly failed: number;
  /** Requests started more than the load's late threshold after they were due. */
  readonly late: number;
  readonly failures: Partial<Record<FailureClass, number>>;
  readonly clients: readonly ClientRun[];
  /** The clients' own warnings (saturation, event-loop delay), prefixed by the kind. */
  readonly warnings: readonly string[];
}

export interface TrafficRun {
  readonly url: string;
  /** Where HTTP/2 clients go (h2c with prior knowledge), when the front end speaks it. */
  readonly http2Url: string | undefined;
  /** Ctrl-C: abort at once. */
  readonly signal: AbortSignal;
  /** Ends the traffic: nothing more is scheduled, and every request in flight gets its outcome. */
  readonly endSignal: AbortSignal;
  readonly clock: Clock;
  /** Each request's outcome, with its due time in ms on the caller's clock reading of `startedAt`. */
  readonly onRequest: (record: LoadRequestRecord, startedAt: number) => void;
}

/**
 * Sends the lab's traffic through `lameduck load`: one `runLoad` per client kind of the mix, each at
 * its share of the rate, started together and ended together by `endSignal` (never by `signal`,
 * which would drop the requests still in flight), and combines their results.
 */
export async function sendTraffic(
  runLoad: RunLoad,
  settings: TrafficSettings,
  run: TrafficRun,
): Promise<TrafficResult> {
  const kinds = CLIENT_KINDS.filter((k) => (settings.mix[k] ?? 0) > 0);
  const body = 'x'.repeat(settings.postBytes);
  const runs = kinds.map(async (kind): Promise<ClientRun> => {
    const rate = settings.rate * (settings.mix[kind] ?? 0);
    const connections =
      settings.connections === 'auto'
        ? poolSize(rate, settings.meanLatencyMs, kind)
        : settings.connections;
    const startedAt = run.clock.now();
    const result = await runLoad({
      url: kind === 'h2' ? (run.http2Url ?? run.url) : run.url,
      rate,
      connections,
      keepalive: kind !== 'close',
      timeoutMs: REQUEST_TIMEOUT_MS,
      ...(kind === 'post'
        ? { method: 'POST', body, headers: { 'content-type': 'text/plain' } }
        : {}),
      ...(kind === 'h2' ? { http2: true } : {}),
      signal: run.signal,
      endSignal: run.endSignal,
      onRequest: (record) => run.onRequest(record, startedAt),
    });
    return { kind, rate, connections, result };
  });
  const clients = await Promise.all(runs);
  const failures: Partial<Record<FailureClass, number>> = {};
  const sum = (pick: (r: LoadResult) => number) =>
    clients.reduce((total, c) => total + pick(c.result), 0);
  for (const c of clients) {
    for (const [cls, n] of Object.entries(c.result.failures) as [FailureClass, number][]) {
      if (n > 0) failures[cls] = (failures[cls] ?? 0) + n;
    }
  }
  const warnings = clientWarnings(clients);
  return {
    scheduled: sum((r) => r.totals.scheduled),
    sent: sum((r) => r.totals.sent),
    ok: sum((r) => r.totals.ok),
    failed: sum((r) => r.totals.failed),
    late: sum((r) => r.totals.late),
    failures,
    clients,
    warnings,
  };
}

/** Late share above which the achieved rate is not the one asked for (as `lameduck load`). */
const LATE_SHARE = 0.01;
/** Event-loop delay (ms) above which the client's own latency shows in the figures. */
const LOOP_P99_MS = 20;
const LOOP_MAX_MS = 100;

/**
 * The clients' health in a few lines for every kind together: requests sent late (and why),
 * requests never sent (a saturated pool), and the load generator's own event-loop delay.
 */
function clientWarnings(clients: readonly ClientRun[]): string[] {
  const warnings: string[] = [];
  let sent = 0;
  let late = 0;
  let queued = 0;
  let loopP99 = 0;
  let loopMax = 0;
  for (const c of clients) {
    const r = c.result;
    sent += r.totals.sent;
    late += r.totals.late;
    queued += r.client.lateWaitingForConnection;
    loopP99 = Math.max(loopP99, r.client.eventLoopDelayP99);
    loopMax = Math.max(loopMax, r.client.eventLoopDelayMax);
    const unsent = r.totals.scheduled - r.totals.sent;
    if (unsent > 0) {
      warnings.push(
        `the ${c.kind} clients were saturated: ${unsent} requests never left them (all ${c.connections} connections busy until the requests timed out); they count as timeouts. Give more --connections or a lower --rate.`,
      );
    }
  }
  if (sent > 0 && late / sent > LATE_SHARE) {
    const cause =
      2 * queued >= late
        ? `${queued} of them waited for a free connection: give more --connections`
        : `the load generator was short of CPU time (event loop delayed up to ${loopMax} ms): lower --rate or free the machine`;
    warnings.push(
      `${late} of ${sent} requests (${((100 * late) / sent).toFixed(1)}%) were sent more than 10 ms after they were due; ${cause}. Latencies count from the scheduled time.`,
    );
  } else if (loopP99 > LOOP_P99_MS || loopMax > LOOP_MAX_MS) {
    warnings.push(
      `the load generator's event loop was delayed (p99 ${loopP99} ms, max ${loopMax} ms): part of the measured latency is the client's.`,
    );
  }
  return warnings;
}
