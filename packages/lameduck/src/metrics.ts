import type { Counters } from './counters.js';
import { PHASES, type Phase } from './phase.js';

export interface HookRecord {
  name: string;
  outcome: 'ok' | 'failed' | 'timeout' | 'cut';
  durationMs: number;
  error?: unknown;
}

export interface MetricsSnapshot {
  phase: Phase;
  ready: boolean;
  counters: Counters;
  openConnections: number;
  inFlight: number;
  /** Epoch milliseconds at which each phase began. */
  phaseStarted: Partial<Record<Phase, number>>;
  hooks: readonly HookRecord[];
}

const COUNTER_HELP: Record<keyof Counters, [string, string]> = {
  requests: ['lameduck_requests_total', 'Requests (HTTP/1 requests and HTTP/2 streams) received.'],
  requestsWhileDraining: [
    'lameduck_requests_while_draining_total',
    'Requests received while draining, served with Connection: close or after GOAWAY.',
  ],
  requestsWhileClosing: [
    'lameduck_requests_while_closing_total',
    'Requests received on existing connections after the listeners closed.',
  ],
  connectionsEndedIdle: [
    'lameduck_connections_ended_idle_total',
    'Idle keep-alive connections ended with a FIN while closing.',
  ],
  connectionsForced: [
    'lameduck_connections_forced_total',
    'Connections destroyed because the deadline passed or the shutdown was forced.',
  ],
  goawaysSent: ['lameduck_http2_goaway_total', 'HTTP/2 sessions sent a GOAWAY.'],
  upgradedClosed: [
    'lameduck_upgraded_closed_total',
    'Upgraded connections (WebSocket...) told to go away while closing.',
  ],
  requestsCut: [
    'lameduck_requests_cut_total',
    'Requests and streams clients saw cut: in flight at the deadline, or raced a closing connection.',
  ],
  requestsRaced: [
    'lameduck_requests_raced_total',
    'Requests that arrived on a connection lameduck had already closed (they could not be answered).',
  ],
};

/** Renders the Prometheus text exposition format (version 0.0.4). */
export function renderMetrics(snapshot: MetricsSnapshot): string {
  const lines: string[] = [];
  const metric = (name: string, type: string, help: string, samples: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  metric(
    'lameduck_phase',
    'gauge',
    'Current phase of the shutdown timeline (1 for the current phase).',
    PHASES.map((p) => [`{phase="${p}"}`, p === snapshot.phase ? 1 : 0]),
  );
  metric('lameduck_ready', 'gauge', 'Whether readiness reports ready.', [
    ['', snapshot.ready ? 1 : 0],
  ]);
  metric('lameduck_open_connections', 'gauge', 'Open connections on registered servers.', [
    ['', snapshot.openConnections],
  ]);
  metric('lameduck_requests_in_flight', 'gauge', 'Requests and streams being served.', [
    ['', snapshot.inFlight],
  ]);
  for (const key of Object.keys(COUNTER_HELP) as (keyof Counters)[]) {
    const [name, help] = COUNTER_HELP[key];
    metric(name, 'counter', help, [['', snapshot.counters[key]]]);
  }
  const started = PHASES.filter((p) => snapshot.phaseStarted[p] !== undefined);
  metric(
    'lameduck_phase_started_seconds',
    'gauge',
    'Unix time at which each phase began.',
    started.map((p) => [`{phase="${p}"}`, (snapshot.phaseStarted[p] as number) / 1000]),
  );
  if (snapshot.hooks.length > 0) {
    metric(
      'lameduck_hook_duration_seconds',
      'gauge',
      'How long each cleanup hook ran, by outcome.',
      snapshot.hooks.map((h) => [
        `{hook="${escapeLabel(h.name)}",outcome="${h.outcome}"}`,
        h.durationMs / 1000,
      ]),
    );
  }
  return `${lines.join('\n')}\n`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
