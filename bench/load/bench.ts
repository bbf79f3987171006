// `npm run bench -- load`: rate accuracy, closed-loop ceiling and memory of `lameduck load`, each
// against autocannon (and wrk for the ceiling) measured in the same run, on loopback only.
import { mkdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext, BenchSuite } from '../run.ts';
import {
  autocannonBin,
  cpuSeconds,
  lameduckBin,
  median,
  type Received,
  rssMiB,
  runMeasured,
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
const SAMPLES_PER_MINUTE = 6;

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
async function served(
  run: (url: string, seconds: number) => Promise<unknown>,
  { http2 = false } = {},
): Promise<Received> {
  const server = await startServer({ http2 });
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

const H2_RATES = [1000, 5000];

async function http2RateAccuracy(context: BenchContext): Promise<string> {
  const rows: string[] = [];
  for (const rate of H2_RATES) {
    const target = rate * RATE_SECONDS;
    const json = join(context.workDir, `h2-rate-${rate}.json`);
    const ours = await served(
      (url, warmUp) =>
        runToEnd(
          node,
          [
            lameduckBin,
            'load',
            url,
            '--http2',
            '--rate',
            String(rate),
            '--duration',
            `${warmUp || RATE_SECONDS}s`,
            '--quiet',
            '--max-failures',
            '1000000000',
            '--json',
            json,
          ],
          60_000,
        ),
      { http2: true },
    );
    const result = JSON.parse(readFileSync(json, 'utf8')) as {
      totals: { late: number; sent: number; failed: number };
    };
    // h2load: one client (one connection) at --rps, up to 10 streams in flight, for the duration
    const theirs = await served(
      (url, warmUp) =>
        runToEnd(
          'h2load',
          ['-c', '1', '-m', '10', '--rps', String(rate), '-D', String(warmUp || RATE_SECONDS), url],
          60_000,
        ),
      { http2: true },
    );
    const ourRate = achieved(ours);
    const theirRate = achieved(theirs);
    context.log(
      `h2 rate ${rate}: lameduck ${ourRate.toFixed(1)} rps (${ours.count}), h2load ${theirRate.toFixed(1)} rps (${theirs.count})`,
    );
    const ourError = Math.abs(ourRate - rate) / rate;
    const theirError = Math.abs(theirRate - rate) / rate;
    rows.push(
      `| ${rate} | ${ourRate.toFixed(1)} (${signed(ourRate / rate - 1)}) | ${ours.count} of ${target} | ${result.totals.failed} | ${pct(result.totals.late / result.totals.sent)} | ${theirRate.toFixed(1)} (${signed(theirRate / rate - 1)}) | ${theirs.count} | ${(100 * (ourError - theirError)).toFixed(2)} | ${ourError <= 0.01 ? 'yes' : 'no'} |`,
    );
  }
  return `### HTTP/2 rate accuracy (h2c, open model, ${RATE_SECONDS} s)

As above, against a Node HTTP/2 (h2c) server that counts streams. Peer: h2load (nghttp2 1.52, Debian's
nghttp2-client) with \`-c 1 -m 10 --rps <rate> -D ${RATE_SECONDS}\`: one connection at the target rate, up to 10
streams in flight. Fresh server and a ${WARM_UP_SECONDS} s warm-up run per client. h2load keeps its rate almost exactly, so
the comparison is the difference of the two rate errors in percentage points (a ratio of errors near 0 says nothing).

| target rps | lameduck achieved | lameduck received | lameduck failed | lameduck late sends | h2load achieved | h2load received | lameduck error − h2load error (points) | lameduck within 1% |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Reproduce: \`node packages/cli/dist/bin.js load http://127.0.0.1:PORT/ --http2 --rate 5000 --duration 10s\` and
\`h2load -c 1 -m 10 --rps 5000 -D 10 http://127.0.0.1:PORT/\` against \`bench/load/processes.ts\`'s h2c server.`;
}

const PAIRED_ROUNDS = 5;

interface Measured {
  rps: number;
  clientCpu: number;
  /** The part of clientCpu spent in user space (JavaScript, the runtime), not in the kernel. */
  clientUser: number;
  serverCpu: number;
  requests: number;
}

/** One closed-loop client run against a fresh server (after a warm-up), with both sides' CPU time. */
async function measuredRun(
  command: (url: string, seconds: number) => [string, string[]],
): Promise<Measured> {
  const server = await startServer();
  try {
    const [warmFile, warmArgs] = command(server.url, WARM_UP_SECONDS);
    await runToEnd(warmFile, warmArgs, 60_000);
    await server.mark();
    const before = cpuSeconds(server.pid);
    const [file, args] = command(server.url, CEILING_SECONDS);
    const { cpu, user } = await runMeasured(file, args, 60_000);
    const serverCpu = cpuSeconds(server.pid) - before;
    const received = await server.received();
    return {
      rps: (received.count * 1000) / Math.max(received.spanMs, 1),
      clientCpu: cpu,
      clientUser: user,
      serverCpu,
      requests: received.count,
    };
  } finally {
    await server.stop();
  }
}

async function ceilingAgainstWrk(context: BenchContext): Promise<string> {
  const ours = (url: string, seconds: number): [string, string[]] => [
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
      '--max-failures',
      '1000000000',
    ],
  ];
  const wrk = (url: string, seconds: number): [string, string[]] => [
    'wrk',
    ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, url],
  ];
  const rounds: { ours: Measured; wrk: Measured }[] = [];
  for (let round = 1; round <= PAIRED_ROUNDS; round++) {
    // alternate who goes first, so that a slow phase of the machine does not always hit one side
    const first = round % 2 === 1 ? 'ours' : 'wrk';
    const a = await measuredRun(first === 'ours' ? ours : wrk);
    const b = await measuredRun(first === 'ours' ? wrk : ours);
    const pair = first === 'ours' ? { ours: a, wrk: b } : { ours: b, wrk: a };
    rounds.push(pair);
    context.log(
      `ceiling vs wrk -t1, round ${round}: lameduck ${Math.round(pair.ours.rps)} rps, wrk ${Math.round(pair.wrk.rps)} rps (${ratio(pair.ours.rps / pair.wrk.rps)})`,
    );
  }
  const ratios = rounds.map((r) => r.ours.rps / r.wrk.rps);
  const perRequest = (m: Measured, cpu: number) => (1e6 * cpu) / Math.max(m.requests, 1);
  const rows = rounds.map(
    (r, i) =>
      `| ${i + 1} | ${Math.round(r.ours.rps)} | ${Math.round(r.wrk.rps)} | **${ratio(r.ours.rps / r.wrk.rps)}** | ${pct(r.ours.clientCpu / CEILING_SECONDS)} / ${pct(r.wrk.clientCpu / CEILING_SECONDS)} | ${pct(r.ours.serverCpu / CEILING_SECONDS)} / ${pct(r.wrk.serverCpu / CEILING_SECONDS)} | ${perRequest(r.ours, r.ours.clientCpu).toFixed(1)} / ${perRequest(r.wrk, r.wrk.clientCpu).toFixed(1)} | ${perRequest(r.ours, r.ours.serverCpu).toFixed(1)} / ${perRequest(r.wrk, r.wrk.serverCpu).toFixed(1)} |`,
  );
  const sorted = [...ratios].sort((x, y) => x - y);
  const med = median(ratios);
  const clientUs = median(rounds.map((r) => perRequest(r.ours, r.ours.clientCpu)));
  const wrkUs = median(rounds.map((r) => perRequest(r.wrk, r.wrk.clientCpu)));
  const serverOurs = median(rounds.map((r) => perRequest(r.ours, r.ours.serverCpu)));
  const serverWrk = median(rounds.map((r) => perRequest(r.wrk, r.wrk.serverCpu)));
  const userOurs = median(rounds.map((r) => perRequest(r.ours, r.ours.clientUser)));
  const userWrk = median(rounds.map((r) => perRequest(r.wrk, r.wrk.clientUser)));
  return `### Ceiling against wrk -t1 (closed loop, ${CONNECTIONS} connections, ${CEILING_SECONDS} s, ${PAIRED_ROUNDS} paired rounds)

Each round runs lameduck \`--closed-loop\` and \`wrk -t1\` back to back (who goes first alternates), each against a
fresh copy of the same trivial server after a ${WARM_UP_SECONDS} s warm-up; the ratio is taken within the round, so that
a busy phase of the shared machine hits both sides of a ratio alike. CPU is user + system time from /proc,
in % of one core over the ${CEILING_SECONDS} s, and per request the server received.

| round | lameduck rps | wrk -t1 rps | lameduck ÷ wrk | client CPU lameduck / wrk | server CPU with lameduck / wrk | client µs per request lameduck / wrk | server µs per request lameduck / wrk |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Paired ratio lameduck ÷ wrk -t1: median **${ratio(med)}**, spread ${ratio(sorted[0] as number)}–${ratio(sorted.at(-1) as number)} (target >= 0.9).
Where it goes: lameduck spends a median ${clientUs.toFixed(1)} µs of client CPU per request against wrk's ${wrkUs.toFixed(1)} µs, of which
${userOurs.toFixed(1)} µs against ${userWrk.toFixed(1)} µs in user space: the difference is JavaScript and Node's stream machinery, not system
calls (lameduck makes one write and one read per request and polls in batches; wrk adds two epoll_ctl calls per request, under
strace -c). The server spends ${serverOurs.toFixed(1)} µs per request with lameduck against ${serverWrk.toFixed(1)} µs with wrk. Client and
server share ${cpus().length} cores with whatever else the machine runs, so the client's extra CPU can come out of the server's share.

Reproduce: \`node packages/cli/dist/bin.js load http://127.0.0.1:PORT/ --closed-loop --connections ${CONNECTIONS} --duration ${CEILING_SECONDS}s\`
and \`wrk -t1 -c${CONNECTIONS} -d${CEILING_SECONDS}s http://127.0.0.1:PORT/\` in turn.`;
}

const MERGE_PROCESSES = 4;
const MERGE_RATE = 2000;

async function mergeAccuracy(context: BenchContext): Promise<string> {
  const server = await startServer();
  const files = Array.from({ length: MERGE_PROCESSES }, (_, i) =>
    join(context.workDir, `merge-${i}.json`),
  );
  const each = MERGE_RATE / MERGE_PROCESSES;
  let received: Received;
  try {
    await server.mark();
    await Promise.all(
      files.map((file) =>
        runToEnd(
          node,
          [
            lameduckBin,
            'load',
            server.url,
            '--rate',
            String(each),
            '--duration',
            `${RATE_SECONDS}s`,
            '--quiet',
            '--max-failures',
            '1000000000',
            '--json',
            file,
          ],
          60_000,
        ),
      ),
    );
    received = await server.received();
  } finally {
    await server.stop();
  }
  const mergedFile = join(context.workDir, 'merged.json');
  await runToEnd(
    node,
    [
      lameduckBin,
      'load',
      'merge',
      ...files,
      '--quiet',
      '--json',
      mergedFile,
      '--max-failure-rate',
      '100',
    ],
    60_000,
  );
  type Report = {
    totals: { scheduled: number; ok: number; failed: number };
    options: { rate: number };
    timeline: unknown[];
  };
  const parts = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Report);
  const merged = JSON.parse(readFileSync(mergedFile, 'utf8')) as Report;
  const summed = parts.reduce((n, p) => n + p.totals.ok + p.totals.failed, 0);
  const mergedCount = merged.totals.ok + merged.totals.failed;
  const vsSum = mergedCount / summed - 1;
  const vsServer = mergedCount / received.count - 1;
  context.log(
    `merge: ${mergedCount} merged, ${summed} summed, ${received.count} received by the server`,
  );
  return `### Merge of ${MERGE_PROCESSES} processes (${MERGE_PROCESSES} × ${each} rps for ${RATE_SECONDS} s against one server)

${MERGE_PROCESSES} \`lameduck load\` processes ran at once against one counting server, each writing \`--json\`; then
\`lameduck load merge\` combined them.

| | requests with an outcome | merged ÷ this |
|---|---|---|
| merged report | ${mergedCount} | — |
| sum of the ${MERGE_PROCESSES} reports | ${summed} | ${signed(vsSum)} |
| received by the server | ${received.count} | ${signed(vsServer)} |

Merged rate ${merged.options.rate} req/s (the runs' rates summed), ${merged.timeline.length} timeline rows. Target: within 0.5% of the
summed counts — **${Math.abs(vsSum) <= 0.005 ? 'yes' : 'no'}** (${signed(vsSum)}); against what the server received ${signed(vsServer)}.

Reproduce: four \`node packages/cli/dist/bin.js load http://127.0.0.1:PORT/ --rate ${each} --duration ${RATE_SECONDS}s --json run-N.json\` at once,
then \`node packages/cli/dist/bin.js load merge run-*.json\`.`;
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
    // six samples a minute (the last one 2 s before the end); a minute's figure is their median,
    // so that one sample caught in a garbage collector's peak does not stand for the minute
    for (let minute = 1; minute <= MEMORY_MINUTES; minute++) {
      const ourMinute: number[] = [];
      const theirMinute: number[] = [];
      for (let tick = 1; tick <= SAMPLES_PER_MINUTE; tick++) {
        const last = minute === MEMORY_MINUTES && tick === SAMPLES_PER_MINUTE;
        await sleep(60_000 / SAMPLES_PER_MINUTE - (last ? 2000 : 0));
        ourMinute.push(rssMiB(ours.child.pid as number));
        theirMinute.push(rssMiB(theirs.child.pid as number));
      }
      const sample = { minute, ours: median(ourMinute), theirs: median(theirMinute) };
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

Resident memory (VmRSS) of the client process, sampled every ${60 / SAMPLES_PER_MINUTE} s (the last sample 2 s before the end);
each minute's figure is the median of its ${SAMPLES_PER_MINUTE} samples.
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
    const sections = [
      await rateAccuracy(context),
      await http2RateAccuracy(context),
      await ceiling(context),
      await ceilingAgainstWrk(context),
      await mergeAccuracy(context),
    ];
    if (MEMORY_MINUTES > 0) sections.push(await memory(context));
    return sections.join('\n\n');
  },
};

export default suite;
