import type { Totals } from '../result.js';
import { AUTO_MAX } from './pool-size.js';

/** Above this share of late sends, the achieved rate is not the one asked for. */
const LATE_SHARE = 0.01;
/** Above this share of sends that waited for a connection, the pool is too small for the load. */
const WAITED_SHARE = 0.01;
/** Event-loop delay (ms) above which the client's own latency shows in the figures. */
const LOOP_P99_MS = 20;
const LOOP_MAX_MS = 100;

export interface ClientFigures {
  readonly lateWaitingForConnection: number;
  readonly waitedForConnection: number;
  readonly peakConnections: number;
  readonly autoConnectionLimit: number | null;
  readonly neverSent: number;
  readonly eventLoopDelayP99: number;
  readonly eventLoopDelayMax: number;
}

export interface RunShape {
  readonly lateMs: number;
  readonly connections: number | 'auto';
  readonly http2: boolean;
  /** The highest rate asked for; null in the closed loop. */
  readonly rate: number | null;
  readonly p50Ms: number | null;
}

const percent = (part: number, whole: number) => ((100 * part) / whole).toFixed(1);

/** Says when the load generator itself distorted the figures, and what to do about it. */
export function clientWarnings(totals: Totals, client: ClientFigures, run: RunShape): string[] {
  const warnings: string[] = [];
  const unit = run.http2 ? 'sessions' : 'connections';
  const pool =
    run.connections === 'auto'
      ? `the automatic pool (up to ${client.autoConnectionLimit ?? AUTO_MAX} ${unit}, at most ${AUTO_MAX})`
      : `--connections ${run.connections}`;
  if (totals.sent > 0 && client.waitedForConnection / totals.sent > WAITED_SHARE && run.rate) {
    const inFlight =
      run.p50Ms === null
        ? ''
        : ` (${run.rate} req/s × p50 ${run.p50Ms} ms ≈ ${Math.ceil((run.rate * run.p50Ms) / 1000)} requests in flight)`;
    warnings.push(
      `the client was saturated: ${client.waitedForConnection} of ${totals.sent} requests (${percent(client.waitedForConnection, totals.sent)}%) ` +
        `waited for a free connection, with ${client.peakConnections} ${unit} open; ${pool} is too small for rate × latency${inFlight}.` +
        `${run.connections === 'auto' ? '' : ' Raise --connections, or leave it at auto.'}`,
    );
  }
  if (totals.sent > 0 && totals.late / totals.sent > LATE_SHARE) {
    const queued = client.lateWaitingForConnection;
    const cause =
      2 * queued >= totals.late
        ? `${queued} of them waited for a free connection`
        : `the client was short of CPU time (event loop delayed up to ${client.eventLoopDelayMax} ms): lower --rate or free the machine`;
    warnings.push(
      `${totals.late} of ${totals.sent} requests (${percent(totals.late, totals.sent)}%) started more than ${run.lateMs} ms after they were due; ` +
        `${cause}. Latencies still count from the scheduled time.`,
    );
  }
  if (client.neverSent > 0) {
    warnings.push(
      `${client.neverSent} scheduled requests were never sent: they waited for a free connection until their timeout (counted as failed).`,
    );
  }
  if (totals.cancelled > 0) {
    warnings.push(
      `${totals.cancelled} requests had no outcome when the run was interrupted: counted as cancelled, neither ok nor failed.`,
    );
  }
  if (client.eventLoopDelayP99 > LOOP_P99_MS || client.eventLoopDelayMax > LOOP_MAX_MS) {
    warnings.push(
      `the load generator's event loop was delayed (p99 ${client.eventLoopDelayP99} ms, max ${client.eventLoopDelayMax} ms): ` +
        'part of the measured latency is the client, not the server.',
    );
  }
  return warnings;
}
