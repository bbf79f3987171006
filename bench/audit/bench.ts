// `npm run bench -- audit`: `lameduck audit -` (stdin) on `helm template` output of a typical chart
// (bench/audit/stream.ts) — 40,000 objects, the issue's 10 MB, and 10,000 documents with and without
// --fix — against the cost of just parsing the same stream with the YAML parsers in the dependency
// tree, with each run's peak memory and CPU time; and the precision of the rules on the real-world
// corpus (docs/audit-corpus.md). kube-score and kube-linter are Go binaries that neither the Debian
// archive nor npm offers here, so they could not be measured side by side.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, BenchSuite } from '../run.ts';
import { helmStream, helmStreamOfSize } from './stream.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'packages/cli/dist/bin.js');
const peak = join(root, 'bench/audit/peak.mjs');
const RUNS = 7;
const TARGET_MS = 3000;
const TARGET_MIB = 300;
/** The issue's "10 MB". */
const TEN_MB = 10_000_000;

interface Contender {
  readonly name: string;
  readonly args: (stream: string) => string[];
  /** What it does, for the table. */
  readonly what: string;
  readonly command: string;
  /** Whether it is lameduck (the others are the parse-only peers it is compared with). */
  readonly measured?: boolean;
}

/** What every contender prints on exit: peak memory (KiB), user and system CPU time (µs). */
const USAGE =
  "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write('\\nlameduck-bench-usage ' + u.maxRSS + ' ' + u.userCPUTime + ' ' + u.systemCPUTime + '\\n'); });";
const parseWith = (code: string) => ['--input-type=module', '-e', `${USAGE} ${code}`];

const AUDIT: Contender = {
  name: 'lameduck audit',
  what: 'parse, cross-match, run every rule, JSON report',
  args: () => [peak, 'audit', '--format', 'json', '--fail-on', 'never', '-'],
  command: 'node packages/cli/dist/bin.js audit --format json - < bench/.work/audit/<stream>.yaml',
  measured: true,
};

const FIX: Contender = {
  name: 'lameduck audit --fix',
  what: 'parse, audit, apply the fixes in rounds, check them, print the fixed stream and the report',
  args: () => [peak, 'audit', '--fix', '--format', 'json', '--fail-on', 'never', '-'],
  command:
    'node packages/cli/dist/bin.js audit --fix --format json - < bench/.work/audit/<stream>.yaml > fixed.yaml',
  measured: true,
};

const JS_YAML: Contender = {
  name: 'js-yaml loadAll (parse only)',
  what: 'floor: the fastest parse of the same stream',
  args: () =>
    parseWith(
      "import { loadAll } from 'js-yaml'; import { readFileSync } from 'node:fs'; process.stdout.write(String(loadAll(readFileSync(0, 'utf8')).length));",
    ),
  command:
    "node -e \"require('js-yaml').loadAll(require('fs').readFileSync(0,'utf8'))\" < bench/.work/audit/<stream>.yaml",
};

const YAML: Contender = {
  name: 'yaml parseAllDocuments (parse only)',
  what: 'the `yaml` Document API (comments, ranges) on the same stream',
  args: () =>
    parseWith(
      "import { parseAllDocuments } from 'yaml'; import { readFileSync } from 'node:fs'; process.stdout.write(String(parseAllDocuments(readFileSync(0, 'utf8')).length));",
    ),
  command:
    "node -e \"require('yaml').parseAllDocuments(require('fs').readFileSync(0,'utf8'))\" < bench/.work/audit/<stream>.yaml",
};

interface Timing {
  readonly ms: number;
  /** Peak resident memory in MiB. */
  readonly mib: number;
  /** CPU time (user + system) in milliseconds: what the machine's load changes least. */
  readonly cpuMs: number;
}

/** Runs one contender with the stream on stdin; resolves with the wall time, peak memory, CPU time. */
function time(contender: Contender, stream: string): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const input = openSync(stream, 'r');
    const started = performance.now();
    const child = spawn(process.execPath, contender.args(stream), {
      cwd: join(root, 'packages/cli'),
      stdio: [input, 'ignore', 'pipe'],
      timeout: 120_000,
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    let ms = 0;
    child.on('exit', () => {
      ms = performance.now() - started;
    });
    // 'close', not 'exit': the child's last stderr lines (the usage line among them) may still be
    // in the pipe when it has exited.
    child.on('close', (code, signal) => {
      closeSync(input);
      const usage = /lameduck-bench-usage (\d+) (\d+) (\d+)/.exec(stderr);
      if (code !== 0 || !usage)
        reject(new Error(`${contender.name} exited ${code ?? signal}: ${stderr.trim()}`));
      else
        resolve({
          ms,
          mib: Number(usage[1]) / 1024,
          cpuMs: (Number(usage[2]) + Number(usage[3])) / 1000,
        });
    });
  });
}

/** What the audit found in a stream, so the table shows it did the work. */
function summary(stream: string): string {
  const input = openSync(stream, 'r');
  try {
    const run = spawnSync(
      process.execPath,
      [cli, 'audit', '--format', 'json', '--fail-on', 'never', '-'],
      {
        stdio: [input, 'pipe', 'pipe'],
        maxBuffer: 1 << 28,
        timeout: 60_000,
      },
    );
    const report = JSON.parse(run.stdout.toString()) as {
      summary: { objects: number; error: number; warning: number };
    };
    const { objects, error, warning } = report.summary;
    return `${objects} objects, ${error} errors and ${warning} warnings found`;
  } finally {
    closeSync(input);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const load = () => loadavg()[0]?.toFixed(1) ?? '?';

async function measure(
  context: BenchContext,
  label: string,
  stream: string,
  contenders: readonly Contender[],
): Promise<string> {
  const loadBefore = load();
  // Round-robin, so that a change in the machine's load hits every contender alike.
  const runs = contenders.map(() => [] as Timing[]);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, contender] of contenders.entries()) runs[k]?.push(await time(contender, stream));
  }
  const loadAfter = load();
  const results = contenders.map((contender, k) => {
    const all = runs[k] ?? [];
    const ms = all.map((t) => t.ms);
    const cpu = all.map((t) => t.cpuMs);
    context.log(
      `${label}: ${contender.name} median ${Math.round(median(ms))} ms (${ms.map(Math.round).join(', ')}), CPU ${Math.round(median(cpu))} ms, peak ${Math.round(Math.max(...all.map((t) => t.mib)))} MiB`,
    );
    return {
      contender,
      ms: median(ms),
      min: Math.min(...ms),
      max: Math.max(...ms),
      cpu: median(cpu),
      cpuMin: Math.min(...cpu),
      cpuMax: Math.max(...cpu),
      mib: Math.max(...all.map((t) => t.mib)),
    };
  });
  const peers = results.filter((r) => !r.contender.measured);
  const best = peers.reduce((a, b) => (b.ms < a.ms ? b : a));
  const bestCpu = Math.min(...peers.map((r) => r.cpu));
  const ours = results[0] as (typeof results)[number];
  const rows = results.map(
    (r) =>
      `| ${r.contender.name} | ${r.contender.what} | ${seconds(r.ms)} s (${seconds(r.min)}–${seconds(r.max)}) | ${(r.ms / best.ms).toFixed(2)}× | ${seconds(r.cpu)} s (${seconds(r.cpuMin)}–${seconds(r.cpuMax)}) | ${(r.cpu / bestCpu).toFixed(2)}× | ${Math.round(r.mib)} MiB | \`${r.contender.command}\` |`,
  );
  const timeVerdict = ours.ms < TARGET_MS ? 'under' : 'OVER';
  const memVerdict = ours.mib < TARGET_MIB ? 'under' : 'OVER';
  const found = summary(stream);
  const size = statSync(stream).size;
  return [
    `**${label}** (\`${stream.slice(root.length)}\`) — ${(size / 2 ** 20).toFixed(1)} MiB (${(size / 1e6).toFixed(1)} MB), ${found}; load average ${loadBefore} → ${loadAfter} (2 cores). ${ours.contender.name}: ${seconds(ours.ms)} s median (${seconds(ours.min)}–${seconds(ours.max)}), ${timeVerdict} the ${TARGET_MS / 1000} s target; peak ${Math.round(ours.mib)} MiB, ${memVerdict} the ${TARGET_MIB} MiB target; ${(ours.ms / best.ms).toFixed(2)}× the wall time and ${(ours.cpu / bestCpu).toFixed(2)}× the CPU time of the fastest parse-only peer (${best.contender.name}).`,
    '',
    `| Contender | Work | Wall, median of ${RUNS} (min–max) | vs floor | CPU, median (min–max) | vs floor | Peak memory | Reproduce |`,
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Precision per rule on the real-world corpus: true positives ÷ all findings, classified in the docs. */
function precision(): string {
  const corpus = join(root, 'packages/cli/test/audit/real-world');
  const classes = new Map<string, string>();
  for (const line of readFileSync(join(root, 'docs/audit-corpus.md'), 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells[2]?.startsWith('`') && (cells[3] === 'TP' || cells[3] === 'FP'))
      classes.set(cells[2].slice(1, -1), cells[3]);
  }
  const perRule = new Map<string, { tp: number; all: number }>();
  let unclassified = 0;
  for (const project of readdirSync(corpus).sort()) {
    const run = spawnSync(
      process.execPath,
      [cli, 'audit', '--format', 'json', '--fail-on', 'never', project],
      {
        cwd: corpus,
        maxBuffer: 1 << 26,
      },
    );
    const report = JSON.parse(run.stdout.toString()) as {
      findings: {
        file: string;
        rule: string;
        severity: string;
        object: { kind: string; name: string };
        container: string | null;
      }[];
    };
    for (const f of report.findings) {
      const key = `${f.file} ${f.rule} ${f.severity} ${f.object.kind}/${f.object.name}${f.container ? `[${f.container}]` : ''}`;
      const cls = classes.get(key);
      if (cls === undefined) unclassified++;
      const counts = perRule.get(f.rule) ?? { tp: 0, all: 0 };
      counts.all++;
      if (cls === 'TP') counts.tp++;
      perRule.set(f.rule, counts);
    }
  }
  const total = [...perRule.values()].reduce((a, c) => ({ tp: a.tp + c.tp, all: a.all + c.all }), {
    tp: 0,
    all: 0,
  });
  const rows = [...perRule]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([rule, c]) => `| \`${rule}\` | ${c.all} | ${c.tp} | ${(c.tp / c.all).toFixed(2)} |`);
  return [
    `**Precision on the real-world corpus** (${readdirSync(corpus).length} projects, \`packages/cli/test/audit/real-world/\`, every finding classified in [docs/audit-corpus.md](../docs/audit-corpus.md)${unclassified ? `; ${unclassified} finding(s) not classified, counted as false` : ''}): ${total.tp} true positives of ${total.all} findings, **${(total.tp / total.all).toFixed(2)}** (target ≥ 0.97). Reproduce: \`npm run test:only -- real-world\` checks the classification; this table is \`npm run bench -- audit\`.`,
    '',
    '| Rule | Findings | True positives | Precision |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

const suite: BenchSuite = {
  title:
    'lameduck audit: 40,000 objects, 10 MB, 10,000 documents with and without --fix, precision',
  async run(context) {
    mkdirSync(context.workDir, { recursive: true });
    const big = join(context.workDir, 'helm-40k.yaml');
    const tenMb = join(context.workDir, 'helm-10mb.yaml');
    const realistic = join(context.workDir, 'helm-10k.yaml');
    const worst = join(context.workDir, 'helm-10k-all-dirty.yaml');
    writeFileSync(big, helmStream(40_000, 3));
    writeFileSync(tenMb, helmStreamOfSize(TEN_MB, 3));
    writeFileSync(realistic, helmStream(10_000, 3));
    writeFileSync(worst, helmStream(10_000, 1));
    const sections = [
      await measure(context, '40,000 objects, one release in three with mistakes', big, [
        AUDIT,
        JS_YAML,
      ]),
      await measure(
        context,
        "10 MB (the issue's figure), one release in three with mistakes",
        tenMb,
        [AUDIT, JS_YAML],
      ),
      await measure(context, '10,000 documents, one release in three with mistakes', realistic, [
        AUDIT,
        JS_YAML,
        YAML,
      ]),
      await measure(
        context,
        '--fix over 10,000 documents, one release in three with mistakes',
        realistic,
        [FIX, JS_YAML],
      ),
      await measure(context, '--fix over 10,000 documents, every release with mistakes', worst, [
        FIX,
        JS_YAML,
      ]),
      precision(),
    ];
    return `Reproduce with \`npm run bench -- audit\`. The streams come from \`bench/audit/stream.ts\`: \`helm template\` output of releases of one typical chart — the chart \`helm create\` scaffolds (ServiceAccount, Service, Deployment, HorizontalPodAutoscaler, Ingress, the \`helm test\` Pod) plus a ConfigMap with a config file, a Secret, a PodDisruptionBudget and a NetworkPolicy — each document with its \`# Source:\` comment and the chart's five standard labels, as Helm prints them. That is about 575 bytes an object, so 40,000 objects weigh 22 MiB where the issue said 10 MB (the generator before this one printed 13.3 MiB with two labels on four objects of ten); the issue's 10 MB is measured on its own. Each figure is the median of ${RUNS} runs of a fresh \`node\` process reading the stream from stdin, so process start-up is included for every contender; contenders run round-robin. Ratios are against the fastest parse-only peer of the same run, for wall time and for CPU time (user + system, what a busy machine changes least); peak memory is the process's maxrss, the largest of the runs (\`bench/audit/peak.mjs\`). The machine is shared: the load average (1 minute, 2 cores) is given at the start and end of each measurement, and the spread of every figure.

kube-score and kube-linter were not measured: neither is packaged in the Debian archive or on npm (\`apt-cache search kube-score kube-linter\` and the npm registry find nothing), and nothing else may be downloaded here. The parse-only peers are the floor any YAML-based auditor pays.

${sections.join('\n\n')}
`;
  },
};

export default suite;
