// `npm run bench -- load`: rate accuracy, closed-loop ceiling and memory of `lameduck load`, each
// against autocannon (and wrk for the ceiling) measured in the same run, on loopback only.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext, BenchSuite } from '../run.ts';
import {
  autocannonBin,
  lameduckBin,
  median,
  type Received,
  rssMiB,
  runToEnd,
  startClient,
  startServer,
} from './processes.ts';

const node = process.execPath;
const RATES = [1000, 5000, 10_000];
const RATE_SECONDS = 10;
const CEILING_SECONDS = 10;
const CEILING_ROUNDS = 3;
const CONNECTIONS = 50;
const MEMORY_MINUTES = Number(process.env.LAMEDUCK_BENCH_MEMORY_MINUTES ?? 10);
const MEMORY_RATE = 2000;

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}%`;
/** Requests per second over the span the server saw them in: n requests span n - 1 intervals. */
const achieved = (r: Received) => (r.count > 1 ? ((r.count - 1) * 1000) / r.spanMs : 0);
const ratio = (x: number) => x.toFixed(2);

interface Peer {
  readonly name: string;
  readonly command: (url: string, seconds: number, json: string) => [string, string[]];
}

const WARM_UP_SECONDS = 2;

/**
 * Requests a fresh server received during a client run, after a warm-up run of the same client
 * (not counted) so that neither side is measured cold.
 */
async function served(run: (url: string, seconds: number) => Promise<unknown>): Promise<Received> {
  const server = await startServer();
  try {
    await run(server.url, WARM_UP_SECONDS);
    await server.mark();
    await run(server.url, 0);
    return await server.received();
  } finally {
    await server.stop();
  }
}

async function rateAccuracy(context: BenchContext): Promise<string> {
  const rows: string[] = [];
  for (const rate of RATES) {
    const target = rate * RATE_SECONDS;
    const json = join(context.workDir, `rate-${rate}.json`);
    const lameduck = (url: string, seconds: number) => [
      lameduckBin,
      'load',
      url,
      '--rate',
      String(rate),
      '--duration',
      `${seconds}s`,
      '--quiet',
      '--max-failures',
      '1000000000',
      '--json',
      json,
    ];
    const ours = await served((url, warmUp) =>
      runToEnd(node, lameduck(url, warmUp || RATE_SECONDS), 60_000),
    );
    const result = JSON.parse(readFileSync(json, 'utf8')) as {
      totals: { late: number; sent: number };
    };
    const theirs = await served((url, warmUp) =>
      runToEnd(
        node,
        [
          autocannonBin,
          '-c',
          String(CONNECTIONS),
          '-R',
          String(rate),
          '-d',
          String(warmUp || RATE_SECONDS),
          '-j',
          url,
        ],
        60_000,
      ),
    );
    const ourRate = achieved(ours);
    const theirRate = achieved(theirs);
    context.log(
      `rate ${rate}: lameduck ${ourRate.toFixed(1)} rps (${ours.count}), autocannon ${theirRate.toFixed(1)} rps (${theirs.count})`,
    );
    const ourError = Math.abs(ourRate - rate) / rate;
    const theirError = Math.abs(theirRate - rate) / rate;
    rows.push(
      `| ${rate} | ${ourRate.toFixed(1)} (${signed(ourRate / rate - 1)}) | ${ours.count} of ${target} | ${pct(result.totals.late / result.totals.sent)} | ${theirRate.toFixed(1)} (${signed(theirRate / rate - 1)}) | ${ratio(theirError === 0 ? 1 : ourError / theirError)} | ${ourError <= 0.01 ? 'yes' : 'no'} |`,
    );
  }
  return `### Rate accuracy (open model, ${RATE_SECONDS} s, trivial keep-alive server)

Achieved rate as the server saw it: requests received ÷ time from the first to the last of them (so a client
that falls behind and catches up late shows a lower rate, even if it sends every request). Peer: autocannon
9.0.0 with \`-R <rate> -c ${CONNECTIONS}\` (its rate cap), run right after ours. Each client gets a fresh server
and a ${WARM_UP_SECONDS} s warm-up run that is not counted. "error ratio" is lameduck's rate error ÷ autocannon's
(below 1: lameduck is closer to the target).

| target rps | lameduck achieved | lameduck received | lameduck late sends | autocannon achieved | error ratio | lameduck within 1% |
|---|---|---|---|---|---|---|
${rows.join('\n')}

Reproduce one row: \`node packages/cli/dist/bin.js load http://127.0.0.1:PORT/ --rate 5000 --duration 10s --json r.json\`
against \`bench/load/processes.ts\`'s server (or \`npm run bench -- load\` for the table).`;
}

async function ceiling(context: BenchContext): Promise<string> {
  const peers: Peer[] = [
    {
      name: 'lameduck --closed-loop',
      command: (url, seconds, json) => [
        node,
        [
          lameduckBin,
          'load',
          url,
          '--closed-loop',
          '--connections',
          String(CONNECTIONS),
          '--duration',
          `${seconds}s`,
          '--quiet',
          '--json',
          json,
        ],
      ],
    },
    {
      name: 'autocannon',
      command: (url, seconds) => [
        node,
        [autocannonBin, '-c', String(CONNECTIONS), '-d', String(seconds), '-j', url],
      ],
    },
    {
      name: 'wrk -t2',
      command: (url, seconds) => ['wrk', ['-t2', `-c${CONNECTIONS}`, `-d${seconds}s`, url]],
    },
  ];
  const samples = new Map<string, number[]>(peers.map((p) => [p.name, []]));
  for (let round = 1; round <= CEILING_ROUNDS; round++) {
    for (const peer of peers) {
      const json = join(context.workDir, 'ceiling.json');
      const received = await served((url, warmUp) => {
        const [file, args] = peer.command(url, warmUp || CEILING_SECONDS, json);
        return runToEnd(file, args, 60_000);
      });
      const rps = (received.count * 1000) / Math.max(received.spanMs, 1);
      samples.get(peer.name)?.push(rps);
      context.log(`ceiling round ${round} ${peer.name}: ${Math.round(rps)} rps`);
    }
  }
  const medians = new Map([...samples].map(([name, values]) => [name, median(values)]));
  const ours = medians.get('lameduck --closed-loop') ?? 0;
  const rows = peers.map((p) => {
    const m = medians.get(p.name) ?? 0;
    const runs = (samples.get(p.name) ?? []).map((v) => Math.round(v)).join(' / ');
    return `| ${p.name} | ${Math.round(m)} [${runs}] | ${ratio(ours / m)} |`;
  });
  const ac = medians.get('autocannon') ?? 1;
  return `### Ceiling (closed loop, ${CONNECTIONS} connections, ${CEILING_SECONDS} s, median of ${CEILING_ROUNDS})

Requests per second the trivial server received (count ÷ span from first to last request); rounds interleave the clients, each against a fresh server
after a ${WARM_UP_SECONDS} s warm-up run that is not counted. Client and server share the machine's cores. Target: lameduck >= 0.8 of autocannon — **${ratio(ours / ac)}** this run.

| client | rps median [runs] | lameduck ÷ client |
|---|---|---|
${rows.join('\n')}

Reproduce: \`node packages/cli/dist/bin.js load http://127.0.0.1:PORT/ --closed-loop --connections ${CONNECTIONS} --duration ${CEILING_SECONDS}s\`,
\`npx autocannon -c ${CONNECTIONS} -d ${CEILING_SECONDS} http://127.0.0.1:PORT/\`, \`wrk -t2 -c${CONNECTIONS} -d${CEILING_SECONDS}s http://127.0.0.1:PORT/\`.`;
}

async function memory(context: BenchContext): Promise<string> {
  const seconds = MEMORY_MINUTES * 60;
  const ourServer = await startServer();
  const theirServer = await startServer();
  const json = join(context.workDir, 'memory.json');
  const ours = startClient(node, [
    lameduckBin,
    'load',
    ourServer.url,
    '--rate',
    String(MEMORY_RATE),
    '--duration',
    `${seconds}s`,
    '--quiet',
    '--json',
    json,
  ]);
  const theirs = startClient(node, [
    autocannonBin,
    '-c',
    String(CONNECTIONS),
    '-R',
    String(MEMORY_RATE),
    '-d',
    String(seconds),
    '-j',
    theirServer.url,
  ]);
  const samples: { minute: number; ours: number; theirs: number }[] = [];
  try {
    for (let minute = 1; minute <= MEMORY_MINUTES; minute++) {
      const wait = minute === MEMORY_MINUTES ? 60_000 - 2000 : 60_000;
      await sleep(wait);
      const sample = {
        minute,
        ours: rssMiB(ours.child.pid as number),
        theirs: rssMiB(theirs.child.pid as number),
      };
      samples.push(sample);
      context.log(
        `memory minute ${minute}: lameduck ${sample.ours.toFixed(1)} MiB, autocannon ${sample.theirs.toFixed(1)} MiB`,
      );
    }
    await Promise.all([ours.done, theirs.done]);
  } finally {
    ours.child.kill('SIGKILL');
    theirs.child.kill('SIGKILL');
    await ourServer.stop();
    await theirServer.stop();
  }
  const first = samples[0] as (typeof samples)[number];
  const last = samples.at(-1) as (typeof samples)[number];
  const result = JSON.parse(readFileSync(json, 'utf8')) as {
    totals: { scheduled: number; failed: number; late: number };
  };
  const rows = samples.map(
    (s) => `| ${s.minute} | ${s.ours.toFixed(1)} | ${s.theirs.toFixed(1)} |`,
  );
  return `### Memory (${MEMORY_RATE} rps for ${MEMORY_MINUTES} min)

Resident memory (VmRSS) of the client process, sampled every minute (the last sample 2 s before the end).
lameduck and the peer (autocannon \`-R ${MEMORY_RATE} -c ${CONNECTIONS}\`) ran side by side, each against its own server.
lameduck sent ${result.totals.scheduled} requests (${result.totals.failed} failed, ${result.totals.late} late).

| minute | lameduck MiB | autocannon MiB |
|---|---|---|
${rows.join('\n')}

Growth from minute 1 to minute ${MEMORY_MINUTES}: lameduck **${ratio(last.ours / first.ours)}×** (target <= 1.2×),
autocannon ${ratio(last.theirs / first.theirs)}×.

Reproduce: \`node packages/cli/dist/bin.js load http://127.0.0.1:PORT/ --rate ${MEMORY_RATE} --duration ${MEMORY_MINUTES}m\` and watch \`VmRSS\` in \`/proc/PID/status\`.`;
}

const suite: BenchSuite = {
  title: 'lameduck load',
  async run(context) {
    mkdirSync(context.workDir, { recursive: true });
    const sections = [await rateAccuracy(context), await ceiling(context)];
    if (MEMORY_MINUTES > 0) sections.push(await memory(context));
    return sections.join('\n\n');
  },
};

export default suite;
