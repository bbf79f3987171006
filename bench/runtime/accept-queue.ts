// Finding 5 of issue #10: connections reset when the listener closes while they wait in the kernel's
// accept queue, with the event loop behind. A server whose every request blocks the loop for
// BENCH_BLOCK_MS takes new connections (one request each, Connection: close) at a fixed rate through
// the moment its listener closes; each connection's outcome is counted by class. lameduck (which
// lets one event-loop turn accept the queue before it closes the listener) against the same server
// closing its listener directly at the same moment.
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, stopServer, type Variant } from './processes.ts';

export interface AcceptQueueRun {
  ok: number;
  refused: number;
  reset: number;
  other: number;
  /** Resets among connections attempted before the listener closed. */
  resetBeforeClose: number;
}

function attempt(port: number): Promise<{ outcome: string; at: number }> {
  const at = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let data = '';
    socket.setEncoding('latin1');
    socket.on('connect', () =>
      socket.write('GET / HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n'),
    );
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('close', () =>
      resolve({ outcome: data.includes('\r\n\r\nok') ? 'ok' : 'other', at }),
    );
    socket.on('error', (error: NodeJS.ErrnoException) => {
      resolve({
        outcome:
          error.code === 'ECONNREFUSED'
            ? 'refused'
            : error.code === 'ECONNRESET'
              ? 'reset'
              : 'other',
        at,
      });
      socket.destroy();
    });
    socket.setTimeout(15_000, () => socket.destroy());
  });
}

export async function acceptQueueRun(
  variant: Extract<Variant, 'lag-lameduck' | 'lag-netclose'>,
  blockMs: number,
  rate = 200,
): Promise<AcceptQueueRun> {
  const drainDelay = 500;
  const server = await startServer(variant, {
    BENCH_DRAIN_DELAY_MS: String(drainDelay),
    BENCH_BLOCK_MS: String(blockMs),
    LAMEDUCK_LOG: 'off',
  });
  try {
    const attempts: Promise<{ outcome: string; at: number }>[] = [];
    const started = Date.now();
    const total = 2000 + drainDelay; // ms of arrivals: before the signal, the delay, after closing
    let signalled = false;
    for (let i = 0; ; i++) {
      const due = started + (i * 1000) / rate;
      if (due - started > total) break;
      await sleep(Math.max(0, due - Date.now()));
      if (!signalled && Date.now() - started >= 500) {
        signalled = true;
        server.child.kill('SIGTERM');
      }
      attempts.push(attempt(server.port));
    }
    const results = await Promise.all(attempts);
    const closedAt =
      server.messages.find((m) => m.closedAt !== undefined)?.closedAt ?? Number.POSITIVE_INFINITY;
    const count = (o: string) => results.filter((r) => r.outcome === o).length;
    return {
      ok: count('ok'),
      refused: count('refused'),
      reset: count('reset'),
      other: count('other'),
      resetBeforeClose: results.filter((r) => r.outcome === 'reset' && r.at < closedAt).length,
    };
  } finally {
    await stopServer(server);
  }
}
