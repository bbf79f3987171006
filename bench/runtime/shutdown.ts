// Shutdown latency: 10,000 idle keep-alive connections plus 1,000 in-flight 200 ms requests, then
// SIGTERM. Measures, in the server, the time from the start of closing to the variant saying it is
// done, and records from the client side how every connection ended.
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BenchServer, startServer, stopServer, type Variant } from './processes.ts';

const IDLE = Number(process.env.LAMEDUCK_BENCH_IDLE ?? 10_000);
const IN_FLIGHT = Number(process.env.LAMEDUCK_BENCH_IN_FLIGHT ?? 1000);
const DRAIN_DELAY_MS = 2000;
/** How long each in-flight request takes; sent 1500 ms before the delay ends, so still running then. */
const SLOW_MS = 2000;

export interface ShutdownRun {
  /** From the start of closing to done. */
  latencyMs: number;
  /** In-flight work left when closing began: from its start to the last response. */
  remainingMs: number;
  /** From the last response to done: the time the shutdown itself added. */
  afterLastResponseMs: number;
  /** Idle connections the server ended with a FIN / with a reset / left open until exit. */
  idle: { fin: number; reset: number; other: number };
  /** In-flight requests answered 200 / cut. */
  inFlight: { ok: number; cut: number };
}

interface Conn {
  socket: Socket;
  data: string;
  ending: 'open' | 'fin' | 'reset' | 'closed';
}

function open(port: number, path: string): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const conn: Conn = { socket, data: '', ending: 'open' };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      conn.data += chunk;
    });
    socket.on('end', () => {
      if (conn.ending === 'open') conn.ending = 'fin';
      socket.end();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (conn.ending === 'open') conn.ending = error.code === 'ECONNRESET' ? 'reset' : 'closed';
    });
    socket.once('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: bench\r\n\r\n`);
      resolve(conn);
    });
    socket.once('error', reject);
  });
}

const answered = (conn: Conn) => conn.data.includes('\r\n\r\nok');

async function until(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate() && Date.now() < end) await sleep(5);
}

async function openIdle(server: BenchServer): Promise<Conn[]> {
  const idle: Conn[] = [];
  for (let i = 0; i < IDLE; i += 100) {
    idle.push(...(await Promise.all(Array.from({ length: 100 }, () => open(server.port, '/')))));
  }
  await until(() => idle.every(answered), 10_000);
  return idle;
}

/** The in-flight requests, 100 connections at a time (1,000 at once overflow the listen backlog). */
async function openInFlight(server: BenchServer): Promise<Conn[]> {
  const conns: Conn[] = [];
  for (let i = 0; i < IN_FLIGHT; i += 100) {
    const n = Math.min(100, IN_FLIGHT - i);
    conns.push(...(await Promise.all(Array.from({ length: n }, () => open(server.port, '/slow')))));
  }
  return conns;
}

export async function shutdownRun(variant: Variant): Promise<ShutdownRun> {
  const server = await startServer(variant, {
    BENCH_DRAIN_DELAY_MS: String(DRAIN_DELAY_MS),
    BENCH_SLOW_MS: String(SLOW_MS),
  });
  try {
    const idle = await openIdle(server);
    let inFlight: Conn[];
    if (variant === 'lameduck') {
      // The in-flight requests arrive during the drain delay and are still running when it ends.
      server.child.kill('SIGTERM');
      await sleep(DRAIN_DELAY_MS - 1500);
      inFlight = await openInFlight(server);
    } else {
      inFlight = await openInFlight(server);
      await sleep(50);
      server.child.kill('SIGTERM');
    }
    const exited = await Promise.race([
      server.exited.then(() => true),
      sleep(30_000).then(() => false),
    ]);
    if (!exited) throw new Error(`${variant} did not exit within 30 s`);
    await sleep(50);
    const timing = server.messages.find((m) => m.exitMs !== undefined);
    if (!timing || timing.closeStartMs === undefined)
      throw new Error(`${variant} printed no timing`);
    const count = (conns: Conn[], ending: Conn['ending']) =>
      conns.filter((c) => c.ending === ending).length;
    const exitMs = timing.exitMs as number;
    const lastResponseMs = timing.lastResponseMs ?? exitMs;
    const run: ShutdownRun = {
      latencyMs: exitMs - timing.closeStartMs,
      remainingMs: Math.max(0, lastResponseMs - timing.closeStartMs),
      afterLastResponseMs: exitMs - lastResponseMs,
      idle: {
        fin: count(idle, 'fin'),
        reset: count(idle, 'reset'),
        other: IDLE - count(idle, 'fin') - count(idle, 'reset'),
      },
      inFlight: {
        ok: inFlight.filter(answered).length,
        cut: inFlight.filter((c) => !answered(c)).length,
      },
    };
    for (const c of [...idle, ...inFlight]) c.socket.destroy();
    return run;
  } finally {
    await stopServer(server);
  }
}

export const SHUTDOWN_SETUP = { IDLE, IN_FLIGHT, DRAIN_DELAY_MS, SLOW_MS };
