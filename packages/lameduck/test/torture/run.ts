// Runs one torture schedule: the server in its own process, the clients in this one, the trigger and
// the second signal at their moments; then checks the report against what the clients saw.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { get } from 'node:http';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { ShutdownReport } from '../../src/index.ts';
import { repoRoot } from '../support/child.ts';
import { ClientPool, type RequestRecord, runClient } from './clients.ts';
import type { Schedule } from './schedule.ts';

const app = fileURLToPath(new URL('./app.mjs', import.meta.url));

/**
 * How close to the moment the listener closed (or the shutdown was forced) a request may have been
 * sent and still count as sent "after" it: the two processes read the same clock, but a request is
 * read by the server in its event loop's next poll, and HTTP/2 frames leave in the client's next turn.
 */
export const EPSILON_MS = Number(process.env.LAMEDUCK_TORTURE_EPSILON_MS ?? 100);

export interface ScheduleResult {
  readonly violations: string[];
  readonly report: ShutdownReport | undefined;
  readonly exitCode: number | null;
  readonly records: readonly RequestRecord[];
  readonly seen: ReadonlySet<string>;
}

interface ServerProcess {
  readonly child: ChildProcess;
  readonly seen: Set<string>;
  readonly logs: Record<string, unknown>[];
  readonly stderr: string[];
  closingAt: number | undefined;
  readonly exited: Promise<number | null>;
  readonly ports: Promise<{ port: number; admin: number }>;
}

function startServer(s: Schedule): ServerProcess {
  const child = spawn(process.execPath, [app], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      PROTOCOL: s.protocol,
      LAMEDUCK_DRAIN_DELAY: `${s.drainDelay}ms`,
      LAMEDUCK_GRACE_PERIOD: `${s.gracePeriod}ms`,
      LAMEDUCK_DEADLINE_MARGIN: `${s.deadlineMargin}ms`,
      LAMEDUCK_ADMIN_PORT: '0',
      LAMEDUCK_ADMIN_HOST: '127.0.0.1',
      TORTURE_FIRST_REQUEST_GRACE_MS: String(s.firstRequestGrace),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server: ServerProcess = {
    child,
    seen: new Set(),
    logs: [],
    stderr: [],
    closingAt: undefined,
    exited: once(child, 'exit').then(([code]) => code as number | null),
    ports: Promise.resolve({ port: 0, admin: 0 }),
  };
  (server as { ports: ServerProcess['ports'] }).ports = new Promise((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (process.env.TORTURE_DEBUG && line.startsWith('dbg')) console.log(line);
      if (line.startsWith('seen ')) server.seen.add(line.slice(5));
      else if (line.startsWith('closing ')) server.closingAt = Number(line.slice(8));
      else if (line.startsWith('{')) resolve(JSON.parse(line) as { port: number; admin: number });
    });
    void server.exited.then(() =>
      reject(new Error(`server exited early: ${server.stderr.join('')}`)),
    );
  });
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
    server.stderr.push(`${line}\n`);
    try {
      server.logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not a log line
    }
  });
  return server;
}

function prestop(admin: number): Promise<void> {
  return new Promise((resolve) => {
    get({ host: '127.0.0.1', port: admin, path: '/prestop', agent: false }, (res) => {
      res.resume();
      res.on('end', resolve);
      res.on('error', () => resolve());
    }).on('error', () => resolve());
  });
}

export async function runSchedule(s: Schedule): Promise<ScheduleResult> {
  const server = startServer(s);
  const pool = new ClientPool();
  try {
    const { port, admin } = await server.ports;
    const t0 = Date.now() + 200;
    const at = (offset: number) => sleep(Math.max(0, t0 + offset - Date.now()));
    const clients = s.clients.map(async (plan, i) => {
      await at(plan.start);
      await runClient(pool, { protocol: s.protocol, port }, plan, i);
    });
    let secondSignalSent: number | undefined;
    const signals = (async () => {
      await at(0);
      if (s.trigger === 'SIGTERM') server.child.kill('SIGTERM');
      else {
        // The kubelet: the preStop hook, then SIGTERM once it returned.
        void prestop(admin).then(() => server.child.kill('SIGTERM'));
      }
      if (s.secondSignalAt !== undefined) {
        await at(s.secondSignalAt);
        secondSignalSent = Date.now();
        server.child.kill('SIGTERM');
      }
    })();
    const exitCode = await Promise.race([
      server.exited,
      sleep(s.gracePeriod + 8000).then(() => 'hung' as const),
    ]);
    await signals;
    // Let the clients see the end of their connections, then end whatever is left.
    await Promise.race([Promise.all(clients), sleep(3000)]);
    pool.closeAll();
    await Promise.race([Promise.all(clients), sleep(1000)]);
    const report = server.logs.find((l) => l.event === 'stopped')?.report as
      | ShutdownReport
      | undefined;
    const violations =
      exitCode === 'hung'
        ? [`the server had not exited ${s.gracePeriod + 8000} ms after the trigger`]
        : check(s, {
            report,
            exitCode,
            records: pool.records,
            seen: server.seen,
            closingAt: server.closingAt,
            forcedAt:
              report?.forcedBy === 'second-signal'
                ? secondSignalSent
                : report?.forcedBy === 'deadline'
                  ? t0 + s.gracePeriod - s.deadlineMargin
                  : undefined,
          });
    return {
      violations,
      report,
      exitCode: exitCode === 'hung' ? null : exitCode,
      records: pool.records,
      seen: server.seen,
    };
  } finally {
    pool.closeAll();
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  }
}

interface Observed {
  report: ShutdownReport | undefined;
  exitCode: number | null;
  records: readonly RequestRecord[];
  seen: ReadonlySet<string>;
  closingAt: number | undefined;
  forcedAt: number | undefined;
}

/** The invariants. Returns one line per violation; none means the report told the truth. */
export function check(s: Schedule, o: Observed): string[] {
  const { report, exitCode } = o;
  if (!report) return [`no shutdown report (exit code ${exitCode})`];
  const ended = Math.min(o.closingAt ?? Infinity, o.forcedAt ?? Infinity);
  const view = { ...o, report, ended, late: ended - EPSILON_MS };
  return [...reportInvariants(view), ...deliveryInvariants(view), ...modeInvariants(s, view)];
}

interface View extends Observed {
  report: ShutdownReport;
  /** When the listener closed, or the shutdown was forced: the first of the two. */
  ended: number;
  /** Requests sent from here on count as sent after it. */
  late: number;
}

const sent = (r: RequestRecord) => r.sentAt ?? r.triedAt;
const show = (r: RequestRecord, ended: number) =>
  `${r.id} (${r.kind}, sent ${sent(r) - ended} ms from closing: ${r.detail})`;

/** What the clients saw cut equals what the report counts; exit codes follow. */
function reportInvariants({ report, exitCode, records, seen, ended }: View): string[] {
  const violations: string[] = [];
  if (exitCode !== report.exitCode) {
    violations.push(`exit code ${exitCode}, but the report says ${report.exitCode}`);
  }
  const cutSeen = records.filter((r) => seen.has(r.id) && !r.complete);
  const unseenFailed = records.filter((r) => !seen.has(r.id) && !r.complete);
  if (report.cut.requests !== cutSeen.length + report.cut.raced) {
    violations.push(
      `the report counts ${report.cut.requests} cut request(s) (${report.cut.raced} raced), the clients saw ${cutSeen.length} received request(s) cut: ${cutSeen.map((r) => show(r, ended)).join('; ') || 'none'}`,
    );
  }
  if (report.cut.raced > unseenFailed.length) {
    violations.push(
      `${report.cut.raced} raced request(s) reported, ${unseenFailed.length} seen by clients`,
    );
  }
  if (cutSeen.length > 0 && exitCode === 0) violations.push('exit 0 although requests were cut');
  if (report.outcome === 'forced' && exitCode !== 124) {
    violations.push(`forced, but exit code ${exitCode}`);
  }
  return violations;
}

/** A request the server never received failed only if it was sent after the listener closed. */
function deliveryInvariants({ records, seen, late, ended }: View): string[] {
  return records
    .filter((r) => !seen.has(r.id) && !r.complete && sent(r) < late)
    .map((r) => `never received though sent before closing: ${show(r, ended)}`);
}

/** Long grace: all sent before closing completed, nothing forced. Short: the deadline cut. */
function modeInvariants(s: Schedule, { report, exitCode, records, late, ended }: View): string[] {
  const violations: string[] = [];
  if (s.mode === 'long') {
    if (report.outcome === 'forced') {
      violations.push(`forced by ${report.forcedBy} with a ${s.gracePeriod} ms grace period`);
    }
    for (const r of records) {
      if (sent(r) < late && !r.complete) {
        violations.push(`sent before closing, not answered: ${show(r, ended)}`);
      }
    }
    const expected = report.cut.requests > 0 ? 1 : 0;
    if (exitCode !== expected) violations.push(`exit code ${exitCode}, expected ${expected}`);
  }
  if (s.mode === 'short' && report.forcedBy !== 'deadline') {
    violations.push(
      `a 5 s request with a ${s.gracePeriod} ms grace period, but not forced by the deadline`,
    );
  }
  return violations;
}
