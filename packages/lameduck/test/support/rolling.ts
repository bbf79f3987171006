// One rolling-update step behind a real nginx: two replicas under load, one terminated mid-load while
// nginx learns of it late (a reload after the SIGTERM), mixed GET/POST with some requests longer than
// the drain delay. Counts every failed request by class. Used by nginx.test.ts (bounded) and by
// bench/runtime (larger).
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { AppProcess } from './child.ts';
import { Nginx } from './nginx.ts';

const upstream = fileURLToPath(new URL('../fixtures/apps/upstream.mjs', import.meta.url));

export interface RollingOptions {
  /** Replicas run under `--import lameduck/auto` (true) or as plain node (false). */
  readonly lameduck: boolean;
  readonly drainDelayMs: number;
  /** After the SIGTERM, when nginx drops the replica (reload). Less than the drain delay. */
  readonly reloadAfterMs: number;
  readonly clients: number;
  /** Load before the SIGTERM, and after it. */
  readonly beforeMs: number;
  readonly afterMs: number;
  /** Response time of the long requests (longer than the drain delay). */
  readonly longMs: number;
}

export interface RollingResult {
  readonly ok: number;
  readonly failed: Record<string, number>;
  readonly failures: number;
  /** Requests answered by the terminated replica after its SIGTERM. */
  readonly servedByTerminatedAfterSignal: number;
  readonly terminatedExit: number | null;
}

export async function rollingUpdate(o: RollingOptions): Promise<RollingResult> {
  const env = {
    LAMEDUCK_DRAIN_DELAY: `${o.drainDelayMs}ms`,
    LAMEDUCK_GRACE_PERIOD: '20s',
    LAMEDUCK_ADMIN_PORT: '0',
  };
  const args = o.lameduck ? ['--import', 'lameduck/auto', upstream] : [upstream];
  const replicas = [new AppProcess(args, env), new AppProcess(args, env)];
  let nginx: Nginx | undefined;
  try {
    const ports = await Promise.all(replicas.map((r) => r.port()));
    nginx = await Nginx.start(ports);
    const result = { ok: 0, failed: {} as Record<string, number>, after: 0 };
    const victim = ports[1] as number;
    let signalledAt = Number.POSITIVE_INFINITY;
    let running = true;
    const fail = (key: string) => {
      result.failed[key] = (result.failed[key] ?? 0) + 1;
    };
    const port = nginx.port;
    const one = (agent: Agent, i: number, n: number) =>
      new Promise<void>((resolve) => {
        // Every fifth request is long, every third a POST with a body.
        const ms = n % 5 === 4 ? o.longMs : (n * 7 + i) % 40;
        const post = n % 3 === 2;
        const body = post ? 'x'.repeat(2000) : undefined;
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: `/?ms=${ms}`,
            method: post ? 'POST' : 'GET',
            agent,
            headers: body ? { 'content-length': String(body.length) } : {},
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              text += chunk;
            });
            res.on('end', () => {
              const expected = `${post ? 2000 : 0}`;
              if (res.statusCode === 200 && text.endsWith(` ${expected}`)) {
                result.ok++;
                if (text.startsWith(`ok ${victim} `) && Date.now() > signalledAt) result.after++;
              } else fail(`http-${res.statusCode}`);
              resolve();
            });
            res.on('error', (error: NodeJS.ErrnoException) => {
              fail(error.code ?? 'error');
              resolve();
            });
          },
        );
        req.on('error', (error: NodeJS.ErrnoException) => {
          fail(error.code ?? 'error');
          resolve();
        });
        req.end(body);
      });
    const loops = Array.from({ length: o.clients }, async (_, i) => {
      // A connection per request to nginx: nginx's own reload closes the idle client connections
      // of its old workers, a keep-alive race between the clients and nginx that has nothing to
      // do with the replicas (it reset 2 requests in 5 rounds of the benchmark, with or without
      // lameduck). nginx keeps its upstream connections alive either way.
      const agent = new Agent({ keepAlive: false, maxSockets: 1 });
      for (let n = 0; running; n++) await one(agent, i, n);
      agent.destroy();
    });
    await sleep(o.beforeMs);
    signalledAt = Date.now();
    replicas[1]?.kill('SIGTERM');
    await sleep(o.reloadAfterMs);
    nginx.reload([ports[0] as number]);
    await sleep(Math.max(0, o.afterMs - o.reloadAfterMs));
    running = false;
    await Promise.race([Promise.all(loops), sleep(o.longMs + 10_000)]);
    const exited = await Promise.race([replicas[1]?.exited, sleep(20_000).then(() => undefined)]);
    const failures = Object.values(result.failed).reduce((a, b) => a + b, 0);
    return {
      ok: result.ok,
      failed: result.failed,
      failures,
      servedByTerminatedAfterSignal: result.after,
      terminatedExit: exited ? (exited.code ?? (exited.signal ? -1 : null)) : null,
    };
  } finally {
    await nginx?.stop();
    for (const r of replicas) if (r.child.exitCode === null) r.kill('SIGKILL');
  }
}
