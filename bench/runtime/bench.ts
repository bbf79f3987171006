// `npm run bench -- runtime`: the runtime library against bare node:http and the libraries people use
// today (terminus, http-terminator, stoppable), each server in its own process, on loopback.
import type { BenchContext, BenchSuite } from '../run.ts';
import { median, startServer, stopServer, type Variant, wrk } from './processes.ts';
import { SHUTDOWN_SETUP, type ShutdownRun, shutdownRun } from './shutdown.ts';

const OVERHEAD_VARIANTS: Variant[] = [
  'bare',
  'lameduck',
  'terminus',
  'http-terminator',
  'stoppable',
];
const SHUTDOWN_VARIANTS: Variant[] = [
  'lameduck',
  'node-close',
  'stoppable',
  'http-terminator',
  'terminus',
];
const ROUNDS = Number(process.env.LAMEDUCK_BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.LAMEDUCK_BENCH_SECONDS ?? 5);

const LABEL: Record<Variant, string> = {
  bare: 'bare `node:http`',
  lameduck: '**lameduck**',
  terminus: '@godaddy/terminus 4',
  'http-terminator': 'http-terminator 3',
  stoppable: 'stoppable 1',
  'node-close': 'Node `server.close()`',
};

async function overhead(context: BenchContext): Promise<string> {
  const rps = new Map<Variant, number[]>(OVERHEAD_VARIANTS.map((v) => [v, []]));
  const p99 = new Map<Variant, number[]>(OVERHEAD_VARIANTS.map((v) => [v, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order every round so that no variant always runs first or last.
    const order = OVERHEAD_VARIANTS.map(
      (_, i) => OVERHEAD_VARIANTS[(i + round) % OVERHEAD_VARIANTS.length] as Variant,
    );
    for (const variant of order) {
      const server = await startServer(variant);
      try {
        await wrk(server.port, 1); // warm-up, not counted
        const result = await wrk(server.port, SECONDS);
        rps.get(variant)?.push(result.rps);
        p99.get(variant)?.push(result.p99Ms);
        context.log(
          `overhead round ${round + 1}/${ROUNDS} ${variant}: ${Math.round(result.rps)} rps, p99 ${result.p99Ms} ms`,
        );
      } finally {
        await stopServer(server);
      }
    }
  }
  const bareRps = median(rps.get('bare') ?? []);
  const bareP99 = median(p99.get('bare') ?? []);
  const rows = OVERHEAD_VARIANTS.map((v) => {
    const r = median(rps.get(v) ?? []);
    const l = median(p99.get(v) ?? []);
    const runs = (rps.get(v) ?? []).map((x) => Math.round(x / 100) / 10).join(' / ');
    return `| ${LABEL[v]} | **${(r / bareRps).toFixed(3)}** | ${(l / bareP99).toFixed(2)} | ${Math.round(r).toLocaleString('en-US')} | ${l.toFixed(2)} | ${runs} |`;
  });
  return `### Overhead while serving

A trivial keep-alive server ("ok"), each variant in its own process, loaded by \`wrk -t1 -c50 -d${SECONDS}s\`
after a 1 s warm-up; ${ROUNDS} rounds with the order rotated each round; medians. Ratios are against bare
\`node:http\` measured in the same run (1.000 = no overhead; the target is >= 0.99 of its throughput).

| server | throughput vs bare | p99 vs bare | req/s (median) | p99 ms (median) | runs (k req/s) |
|---|---|---|---|---|---|
${rows.join('\n')}

Reproduce: \`npm run bench -- runtime\` (\`LAMEDUCK_BENCH_ROUNDS\`, \`LAMEDUCK_BENCH_SECONDS\` change the size).
Client and servers share the machine's 2 cores; differences of a few per cent are within run-to-run noise
(see the per-run figures).`;
}

async function shutdown(context: BenchContext): Promise<string> {
  const runs = new Map<Variant, ShutdownRun[]>(SHUTDOWN_VARIANTS.map((v) => [v, []]));
  const rounds = Math.max(1, Math.min(ROUNDS, 3));
  for (let round = 0; round < rounds; round++) {
    for (const variant of SHUTDOWN_VARIANTS) {
      const run = await shutdownRun(variant);
      runs.get(variant)?.push(run);
      context.log(
        `shutdown round ${round + 1}/${rounds} ${variant}: ${Math.round(run.latencyMs)} ms, idle ${JSON.stringify(run.idle)}, in-flight ${JSON.stringify(run.inFlight)}`,
      );
    }
  }
  const med = (v: Variant, f: (r: ShutdownRun) => number) => median((runs.get(v) ?? []).map(f));
  const after = (v: Variant) => med(v, (r) => r.afterLastResponseMs);
  const others = SHUTDOWN_VARIANTS.filter((v) => v !== 'lameduck');
  const best = Math.min(...others.map((v) => med(v, (r) => r.latencyMs)));
  const sum = (v: Variant, f: (r: ShutdownRun) => number) =>
    (runs.get(v) ?? []).reduce((n, r) => n + f(r), 0);
  const rows = SHUTDOWN_VARIANTS.map((v) => {
    const total = (runs.get(v) ?? []).length;
    const latency = med(v, (r) => r.latencyMs);
    return `| ${LABEL[v]} | ${Math.round(latency)} | ${Math.round(med(v, (r) => r.remainingMs))} | ${Math.round(after(v))} | ${(latency / best).toFixed(2)} | ${sum(v, (r) => r.inFlight.ok)}/${total * SHUTDOWN_SETUP.IN_FLIGHT} | ${sum(v, (r) => r.idle.fin)} / ${sum(v, (r) => r.idle.reset)} / ${sum(v, (r) => r.idle.other)} |`;
  });
  return `### Shutdown latency

${SHUTDOWN_SETUP.IDLE.toLocaleString('en-US')} idle keep-alive connections (each has served one request) plus ${SHUTDOWN_SETUP.IN_FLIGHT} in-flight requests that take
200 ms, then SIGTERM. Measured inside the server: *latency* runs from the moment it starts closing
connections to the moment it reports done — for lameduck from the end of its ${SHUTDOWN_SETUP.DRAIN_DELAY_MS} ms drain delay (the
in-flight requests arrived about 50 ms before it ended), for the others from SIGTERM (sent 50 ms after
the in-flight requests); *in-flight left* is how much of the in-flight work remained at that moment;
*after last response* is what the shutdown added once the last request was answered. The target is a
latency no longer than the in-flight work left plus 50 ms, i.e. at most 50 ms after the last response.
Latency ratio: against the fastest of the other libraries in the same run. Medians of ${rounds} rounds;
counts summed over the rounds.

| server | latency ms | in-flight left ms | after last response ms | latency vs fastest other | in-flight answered | idle ended by FIN / reset / other |
|---|---|---|---|---|---|---|
${rows.join('\n')}

Reproduce: \`npm run bench -- runtime\`. Node's \`close()\` destroys every socket that has no parsed request
at that instant — including connections whose request is still in the kernel buffer, which is why it
cuts in-flight requests — then waits for the sockets of the remaining requests to sit idle for
\`keepAliveTimeout\` (5 s here). lameduck ends each connection with a FIN as soon as its response is done,
and gives a connection without a parsed request \`firstRequestGrace\` to send it.`;
}

const suite: BenchSuite = {
  title: 'Runtime library: overhead and shutdown latency',
  async run(context) {
    const parts = [await overhead(context), await shutdown(context)];
    return parts.join('\n\n');
  },
};

export default suite;
