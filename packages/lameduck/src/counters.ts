/** Monotonic counters kept over the process's life; exported at /metrics and in the shutdown report. */
export interface Counters {
  /** Every request (HTTP/1 request or HTTP/2 stream) seen. */
  requests: number;
  /** Requests that arrived while draining (served, each with Connection: close or after GOAWAY). */
  requestsWhileDraining: number;
  /** Requests that arrived on existing connections while closing. */
  requestsWhileClosing: number;
  /** Idle keep-alive connections ended with a FIN during closing. */
  connectionsEndedIdle: number;
  /** Connections destroyed at the deadline (or on a forced shutdown). */
  connectionsForced: number;
  /** HTTP/2 sessions sent a GOAWAY. */
  goawaysSent: number;
  /** Upgraded sockets (WebSocket…) told to go away. */
  upgradedClosed: number;
  /**
   * Requests clients saw cut: in flight at the deadline, or arrived on a connection lameduck had
   * already closed (requestsRaced).
   */
  requestsCut: number;
  /** Requests that arrived on a connection lameduck had already closed, so could not be answered. */
  requestsRaced: number;
}

export function newCounters(): Counters {
  return {
    requests: 0,
    requestsWhileDraining: 0,
    requestsWhileClosing: 0,
    connectionsEndedIdle: 0,
    connectionsForced: 0,
    goawaysSent: 0,
    upgradedClosed: 0,
    requestsCut: 0,
    requestsRaced: 0,
  };
}
