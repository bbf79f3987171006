import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from './clock.js';
import type { Counters } from './counters.js';
import type { Logger } from './logger.js';
import type { CloseUpgraded } from './options.js';
import type { Phase } from './phase.js';

/** What the per-server trackers share with the shutdown that owns them. */
export interface TrackerContext {
  readonly counters: Counters;
  readonly clock: Clock;
  readonly log: Logger;
  phase(): Phase;
  /** During closing, how long a connection without a request yet may take to send one. */
  readonly firstRequestGrace: number;
  readonly closeUpgraded: CloseUpgraded;
  /** Answers a probe request on an app server; returns false when the path is not a probe path. */
  readonly probe: ((request: IncomingMessage, response: ServerResponse) => boolean) | undefined;
  /** Called whenever a connection or request ends, so the shutdown can re-check whether it drained. */
  changed(): void;
}

/**
 * Counts one request (HTTP/1 request or HTTP/2 stream) and says whether it arrived during the
 * shutdown, when it must close its connection after the response.
 */
export function countRequest(context: TrackerContext): { shuttingDown: boolean } {
  const { counters } = context;
  const phase = context.phase();
  counters.requests++;
  if (phase === 'draining') counters.requestsWhileDraining++;
  if (phase === 'closing') counters.requestsWhileClosing++;
  return { shuttingDown: phase === 'draining' || phase === 'closing' };
}
