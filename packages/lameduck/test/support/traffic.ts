// Steady keep-alive traffic for tests: a few clients, each sending one request at a time over its
// own keep-alive agent, until `stop()` — bounded by `maxMs` whatever happens. Counts every outcome.
import { Agent, request } from 'node:http';

export interface TrafficResult {
  ok: number;
  /** Failures by error code or `http-<status>`. */
  failed: Record<string, number>;
  /** Responses that carried Connection: close. */
  closing: number;
}

export function keepAliveTraffic(
  port: number,
  { clients = 4, pauseMs = 5, maxMs = 10_000, host = '127.0.0.1', path = '/' } = {},
): { stop(): Promise<TrafficResult>; result: TrafficResult } {
  const result: TrafficResult = { ok: 0, failed: {}, closing: 0 };
  let running = true;
  const deadline = setTimeout(() => {
    running = false;
  }, maxMs);
  const fail = (key: string) => {
    result.failed[key] = (result.failed[key] ?? 0) + 1;
  };
  const one = (agent: Agent) =>
    new Promise<void>((resolve) => {
      const req = request({ host, port, path, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 500) fail(`http-${res.statusCode}`);
          else result.ok++;
          if (res.headers.connection === 'close') result.closing++;
          resolve();
        });
        res.on('error', (error: NodeJS.ErrnoException) => {
          fail(error.code ?? 'error');
          resolve();
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        fail(error.code ?? 'error');
        resolve();
      });
      req.end();
    });
  const loops = Array.from({ length: clients }, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    while (running) {
      await one(agent);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    agent.destroy();
  });
  return {
    result,
    async stop() {
      running = false;
      await Promise.all(loops);
      clearTimeout(deadline);
      return result;
    },
  };
}
