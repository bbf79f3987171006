// The entrypoint matrix of issue #6 under every init: each case runs as PID 1 of a fresh PID namespace
// (unshare, needs root) and gets SIGTERM the way a container runtime sends it. The table shows where
// each init cuts the app's drain; the cost table compares startup time and memory of the inits.
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { entrypointCases } from '../../packages/cli/test/run/fixtures/cases.ts';
import {
  fixturesDir,
  lameduckBin,
  type NamespaceRun,
  namespaceUnavailable,
  runInNamespace,
} from '../../packages/cli/test/run/fixtures/namespace.ts';
import { type Built, initBinary } from '../../packages/init/test/support/binary.ts';
import type { BenchContext, BenchSuite } from '../run.ts';

interface Init {
  readonly name: string;
  readonly argv: readonly string[];
}

/** Node's own start and memory, for context: most of `lameduck run`'s cost is Node itself. */
const nodeItself = {
  name: '`node` alone (context)',
  start: ['node', '-e', '0'],
  idle: ['node', '-e', 'setTimeout(() => {}, 30000)'],
};

const lameduck: Init = {
  name: '`lameduck run`',
  argv: ['node', lameduckBin, 'run', '--grace', '4s', '--'],
};
const nativeBuild = initBinary('host');
/** lameduck-init, built from packages/init/src (static, musl-gcc on x64) the way npm ci builds it. */
const lameduckInit: Init | undefined = nativeBuild.path
  ? { name: '`lameduck-init`', argv: [nativeBuild.path, '--grace', '4s', '--'] }
  : undefined;
const ours: readonly Init[] = lameduckInit ? [lameduck, lameduckInit] : [lameduck];
const peers: readonly Init[] = [
  { name: 'app as PID 1', argv: [] },
  { name: '`tini --`', argv: ['tini', '--'] },
  { name: '`tini -g --`', argv: ['tini', '-g', '--'] },
  { name: '`dumb-init`', argv: ['dumb-init'] },
];
const inits = [...ours, ...peers];
/** The inits every ratio is taken against: tini and dumb-init (not the bare app). */
const bestPeers = peers.filter((p) => p.argv.length > 0);
const HANG_MS = 6000;

function cell(run: NamespaceRun, drains: number): string {
  const done = run.markers.length;
  const cut = run.started.length - run.finished.length;
  if (run.hung) {
    const progress = drains > 0 ? ` (${done}/${drains} drained)` : '';
    return `⏳ still running ${HANG_MS / 1000} s after SIGTERM${progress}`;
  }
  const seconds = `${(run.exitMs / 1000).toFixed(2)} s`;
  const twice = run.sigterms > 1 ? ', app got SIGTERM twice' : '';
  if (drains === 0) {
    return `exit ${run.code} after ${seconds}${cut ? `, ${cut} killed` : ''}${twice}`;
  }
  const mark = done === drains && cut === 0 ? '✔' : '✘';
  const zombies = run.markers.find((m) => m.startsWith('zombies='));
  return `${mark} ${done}/${drains} drained, exit ${run.code} after ${seconds}${cut ? `, ${cut} cut` : ''}${zombies ? `, ${zombies.replace('=', ' left: ')}` : ''}${twice}`;
}

async function matrix(context: BenchContext): Promise<string> {
  const header = `| Entrypoint | ${inits.map((i) => i.name).join(' | ')} |`;
  const rows = [header, `|---|${inits.map(() => '---').join('|')}|`];
  const drained = new Map<string, [number, number]>();
  for (const c of entrypointCases) {
    const cells: string[] = [];
    for (const init of inits) {
      context.log(`${c.id} under ${init.name}`);
      const run = await runInNamespace({
        argv: [...init.argv, ...c.app],
        readyCount: c.readyCount,
        hangAfterMs: HANG_MS,
      });
      cells.push(cell(run, c.drains));
      const [done, total] = drained.get(init.name) ?? [0, 0];
      const ok = c.drains > 0 && !run.hung && run.markers.length === c.drains;
      drained.set(init.name, [done + (ok ? 1 : 0), total + (c.drains > 0 ? 1 : 0)]);
    }
    rows.push(`| ${c.title} | ${cells.join(' | ')} |`);
  }
  rows.push(
    `| **drains completed** | ${inits.map((i) => `**${(drained.get(i.name) ?? [0, 0]).join('/')}**`).join(' | ')} |`,
  );
  return rows.join('\n');
}

/** Median wall time of `start` as PID 1 (start and exit), and the PID 1's memory while `idle` runs. */
async function cost(start: readonly string[], idle: readonly string[], runs: number) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => {
      const child = spawn('unshare', ['--pid', '--fork', '--mount-proc', ...start], {
        stdio: 'ignore',
      });
      child.once('error', reject);
      child.once('exit', () => resolve());
    });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  const child = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', ...idle], {
    cwd: fixturesDir,
    stdio: 'ignore',
  });
  await sleep(1500);
  const pid1 = Number(
    readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0],
  );
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid1}/status`, 'utf8'))?.[1]);
  child.kill('SIGKILL');
  return {
    startMs: times[Math.floor(times.length / 2)] as number,
    minMs: times[0] as number,
    maxMs: times.at(-1) as number,
    rssKiB: rss,
  };
}

async function costs(context: BenchContext): Promise<string> {
  const measured = [];
  for (const init of [...peers, ...ours]) {
    context.log(`cost of ${init.name}`);
    const start = [...init.argv, 'true'];
    const idle = [...init.argv, 'sleep', '30'];
    measured.push({ init, ...(await cost(start, idle, 15)) });
  }
  context.log('cost of node alone');
  const node = {
    init: { name: nodeItself.name, argv: [] },
    ...(await cost(nodeItself.start, nodeItself.idle, 15)),
  };
  measured.push(node);
  const inPeers = measured.filter((m) => bestPeers.includes(m.init));
  const bestStart = Math.min(...inPeers.map((m) => m.startMs));
  const bestRss = Math.min(...inPeers.map((m) => m.rssKiB));
  const rows = [
    '| PID 1 | start + exit of `true` (median of 15, min–max) | × best init | RSS while the app runs | × best init |',
    '|---|---|---|---|---|',
    ...measured.map(
      (m) =>
        `| ${m.init.name} | ${m.startMs.toFixed(1)} ms (${m.minMs.toFixed(1)}–${m.maxMs.toFixed(1)}) | ${(m.startMs / bestStart).toFixed(2)} | ${(m.rssKiB / 1024).toFixed(1)} MiB | ${(m.rssKiB / bestRss).toFixed(2)} |`,
    ),
  ];
  const tini = measured.find((m) => m.init.name === '`tini --`');
  const native = measured.find((m) => m.init === lameduckInit);
  if (tini && native) {
    rows.push(
      '',
      `\`lameduck-init\` ÷ \`tini --\` in this run: start + exit **${(native.startMs / tini.startMs).toFixed(2)}×**, RSS **${(native.rssKiB / tini.rssKiB).toFixed(2)}×** (target: at most 2× on both).`,
    );
  }
  return rows.join('\n');
}

/** Sizes of the init binaries: what each one adds to an image. */
function sizes(): string {
  const kib = (path: string) => {
    try {
      return `${(statSync(path).size / 1024).toFixed(0)} KiB`;
    } catch {
      return 'not installed';
    }
  };
  const built = (target: 'x64' | 'arm64'): string => {
    const b: Built = initBinary(target);
    return b.path ? kib(b.path) : `not built (${b.why})`;
  };
  return [
    '| binary | linking | size |',
    '|---|---|---|',
    `| \`lameduck-init\` linux-x64 (musl-gcc -static -O2 -s) | static | ${built('x64')} |`,
    `| \`lameduck-init\` linux-arm64 (aarch64-linux-gnu-gcc -static -O2 -s, glibc) | static | ${built('arm64')} |`,
    `| \`tini-static\` (Debian tini) | static | ${kib('/usr/bin/tini-static')} |`,
    `| \`tini\` (Debian tini) | dynamic | ${kib('/usr/bin/tini')} |`,
    `| \`dumb-init\` (Debian dumb-init) | dynamic | ${kib('/usr/bin/dumb-init')} |`,
  ].join('\n');
}

const suite: BenchSuite = {
  title: '`lameduck run` as PID 1',
  async run(context) {
    const unavailable = namespaceUnavailable();
    if (unavailable) return `Not run: ${unavailable}.`;
    const table = await matrix(context);
    const cost = await costs(context);
    return `Reproduce: \`npm run bench -- run\` (as root; Debian packages tini, dumb-init, util-linux).

Each cell: the fixture app (\`packages/cli/test/run/fixtures/app.mjs\`, drains 1.5 s after SIGTERM and
writes a marker) started as in the first column, under the init of the column, as PID 1 of a fresh PID
namespace (\`unshare --pid --fork --mount-proc\`). The runtime sends SIGTERM to PID 1 once the app is ready.
"drained" counts marker files; "cut" counts app processes that never reached their own exit path
(killed by the kernel when PID 1 exited); "⏳" means the init would have waited for the kubelet's
SIGKILL. \`lameduck run\` and \`lameduck-init\` use \`--grace 4s\`; the peers have no deadline.

${table}

Cost of the init itself (ratios against the best of tini and dumb-init in this run; "app as PID 1"
and Node alone for context — Node's own start-up and heap are most of \`lameduck run\`'s cost):

${cost}

Binary sizes (what the init adds to an image):

${sizes()}
`;
  },
};

export default suite;
