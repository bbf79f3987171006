import type { LoadRequestRecord, LoadResult, RunLoad } from './load-contract.js';

/** The traffic's part of the lab's settings. */
export interface TrafficSettings {
  /** Requests per second sent to the Service (open model). */
  readonly rate: number;
  /** Load connection pool size. */
  readonly connections: number;
  readonly keepalive: boolean;
}

/** A request not answered this long after it was due counts as a timeout. */
export const REQUEST_TIMEOUT_MS = 5_000;

export interface TrafficRun {
  readonly url: string;
  /** Stops the load; requests in flight get their outcome. */
  readonly signal: AbortSignal;
  readonly onRequest: (record: LoadRequestRecord) => void;
}

/**
 * Sends the lab's traffic to the Service through `lameduck load` until `signal` aborts. The load ends
 * gracefully (`endSignal`): requests in flight still get their outcome, so none leaves the totals.
 */
export function sendTraffic(
  runLoad: RunLoad,
  settings: TrafficSettings,
  run: TrafficRun,
): Promise<LoadResult> {
  return runLoad({
    url: run.url,
    rate: settings.rate,
    connections: settings.connections,
    keepalive: settings.keepalive,
    timeoutMs: REQUEST_TIMEOUT_MS,
    endSignal: run.signal,
    onRequest: run.onRequest,
  });
}
