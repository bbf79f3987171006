// Seeded random schedules for the torture test: which server, which drain delay and grace period,
// how the shutdown is triggered, and which clients do what, when. The same seed always gives the same
// schedule, so a failing one can be re-run (LAMEDUCK_TORTURE_SEED=<seed>).
import { seededRandom } from '../../../../test/support/random.ts';

export type Protocol = 'http' | 'https' | 'h2c' | 'h2';
export type Trigger = 'SIGTERM' | 'prestop';
/** long: every request can finish; short: the deadline cuts a long request; second-signal: forced at a random moment. */
export type Mode = 'long' | 'short' | 'second-signal';

export type ClientKind =
  | 'request' // one request on a new connection (or a new HTTP/2 session)
  | 'keep-alive' // several requests, one at a time, over one connection (a new one when closed)
  | 'idle' // one request, then idle; perhaps one more late
  | 'unused' // connects, sends its first request only later
  | 'pipelined' // three requests in one write (HTTP/1.1)
  | 'slow-body' // a POST whose body arrives in pieces
  | 'sse' // a server-sent event stream
  | 'websocket'; // an upgraded connection (HTTP/1.1)

export interface ClientPlan {
  readonly kind: ClientKind;
  /** Milliseconds from the trigger (negative: before it) at which the client starts. */
  readonly start: number;
  /** Response time of each request it sends (GET /r?ms=N). */
  readonly ms: readonly number[];
  /** Milliseconds between two requests, or before the first one (unused), or between body pieces. */
  readonly gap: number;
}

export interface Schedule {
  readonly seed: number;
  readonly protocol: Protocol;
  readonly drainDelay: number;
  readonly trigger: Trigger;
  readonly mode: Mode;
  /** gracePeriod and deadlineMargin given to lameduck. */
  readonly gracePeriod: number;
  readonly deadlineMargin: number;
  readonly firstRequestGrace: number;
  /** second-signal: milliseconds after the trigger. */
  readonly secondSignalAt: number | undefined;
  readonly clients: readonly ClientPlan[];
}

const HTTP1_KINDS: ClientKind[] = [
  'request',
  'keep-alive',
  'idle',
  'unused',
  'pipelined',
  'slow-body',
  'sse',
  'websocket',
];
const H2_KINDS: ClientKind[] = ['request', 'keep-alive', 'idle', 'slow-body', 'sse'];

export function schedule(seed: number): Schedule {
  const rand = seededRandom(seed).next;
  const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const protocol = pick<Protocol>(['http', 'https', 'h2c', 'h2']);
  const drainDelay = int(80, 300);
  const trigger = pick<Trigger>(['SIGTERM', 'prestop']);
  const mode = pick<Mode>(['long', 'long', 'short', 'second-signal']);
  const deadlineMargin = 100;
  // short: the deadline falls 150–450 ms after the delay, while a 5 s request still runs.
  const gracePeriod = mode === 'short' ? drainDelay + int(150, 450) + deadlineMargin : 10_000;
  const kinds = protocol === 'http' || protocol === 'https' ? HTTP1_KINDS : H2_KINDS;
  // Responses shorter and longer than the drain delay.
  const ms = () => (rand() < 0.5 ? int(0, drainDelay) : int(drainDelay, drainDelay * 3 + 200));
  const clients: ClientPlan[] = [];
  const count = int(3, 10);
  for (let i = 0; i < count; i++) {
    const kind = pick(kinds);
    const requests = kind === 'keep-alive' ? int(2, 5) : kind === 'pipelined' ? 3 : 1;
    clients.push({
      kind,
      start: int(-150, drainDelay + 150),
      ms: Array.from({ length: requests }, ms),
      gap: int(0, drainDelay),
    });
  }
  if (mode === 'short') clients.push({ kind: 'request', start: -100, ms: [5000], gap: 0 });
  return {
    seed,
    protocol,
    drainDelay,
    trigger,
    mode,
    gracePeriod,
    deadlineMargin,
    firstRequestGrace: int(100, 400),
    secondSignalAt: mode === 'second-signal' ? int(0, drainDelay + 400) : undefined,
    clients,
  };
}

/** One line a failing test prints, so that the schedule can be re-run alone. */
export function describeSchedule(s: Schedule): string {
  const kinds = s.clients.map((c) => `${c.kind}@${c.start}ms`).join(', ');
  return `seed ${s.seed}: ${s.protocol}, drain ${s.drainDelay} ms, ${s.trigger}, ${s.mode} (grace ${s.gracePeriod} ms${s.secondSignalAt === undefined ? '' : `, second signal at +${s.secondSignalAt} ms`}), clients: ${kinds}`;
}
