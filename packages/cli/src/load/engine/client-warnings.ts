import type { Totals } from '../result.js';

/** Above this share of late sends, the achieved rate is not the one asked for. */
const LATE_SHARE = 0.01;
/** Event-loop delay (ms) above which the client's own latency shows in the figures. */
const LOOP_P99_MS = 20;
const LOOP_MAX_MS = 100;

export interface ClientFigures {
  readonly lateWaitingForConnection: number;
  readonly eventLoopDelayP99: number;
  readonly eventLoopDelayMax: number;
}

/** Says when the load generator itself distorted the figures, and what to do about it. */
export function clientWarnings(totals: Totals, client: ClientFigures, lateMs: number): string[] {
  const warnings: string[] = [];
  if (totals.sent > 0 && totals.late / totals.sent > LATE_SHARE) {
    const share = ((100 * totals.late) / totals.sent).toFixed(1);
    const queued = client.lateWaitingForConnection;
    const cause =
      2 * queued >= totals.late
        ? `${queued} of them waited for a free connection: raise --connections`
        : `the client was short of CPU time (event loop delayed up to ${client.eventLoopDelayMax} ms): lower --rate or free the machine`;
    warnings.push(
      `${totals.late} of ${totals.sent} requests (${share}%) started more than ${lateMs} ms after they were due; ` +
        `${cause}. Latencies still count from the scheduled time.`,
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
