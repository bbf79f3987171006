// `npm run bench -- audit`: `lameduck audit -` (stdin) on helm-template-shaped streams — 40,000 objects,
// and 10,000 documents with and without --fix — against the cost of just parsing the same stream with
// the YAML parsers in the dependency tree, with each run's peak memory; and the precision of the rules
// on the real-world corpus (docs/audit-corpus.md). kube-score and kube-linter are Go binaries that
// neither the Debian archive nor npm offers here, so they could not be measured side by side.
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
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, BenchSuite } from '../run.ts';
import { helmStream } from './stream.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'packages/cli/dist/bin.js');
const peak = join(root, 'bench/audit/peak.mjs');
const RUNS = 5;
const TARGET_MS = 3000;
const TARGET_MIB = 300;

interface Contender {
  readonly name: string;
  readonly args: (stream: string) => string[];
  /** What it does, for the table. */
  readonly what: string;
  readonly command: string;
  /** Whether it prints its peak memory (through bench/audit/peak.mjs). */
  readonly measured?: boolean;
}

const parseWith = (code: string) => ['--input-type=module', '-e', code];

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
  /** Peak resident memory in MiB, when the contender reports it. */
  readonly mib: number | undefined;
}

/** Runs one contender with the stream on stdin; resolves with the wall time and peak memory. */
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
    child.on('exit', (code, signal) => {
      closeSync(input);
      const ms = performance.now() - started;
      const kib = /lameduck-bench-maxrss (\d+)/.exec(stderr)?.[1];
      if (code === 0) resolve({ ms, mib: kib === undefined ? undefined : Number(kib) / 1024 });
      else reject(new Error(`${contender.name} exited ${code ?? signal}: ${stderr.trim()}`));
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

async function measure(
  context: BenchContext,
  label: string,
  stream: string,
  contenders: readonly Contender[],
): Promise<string> {
  // Round-robin, so that a change in the machine's load hits every contender alike.
  const runs = contenders.map(() => [] as Timing[]);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, contender] of contenders.entries()) runs[k]?.push(await time(contender, stream));
  }
  const results = contenders.map((contender, k) => {
    const all = runs[k] ?? [];
    const ms = all.map((t) => t.ms);
    const mib = all.map((t) => t.mib).filter((m): m is number => m !== undefined);
    context.log(
      `${label}: ${contender.name} median ${Math.round(median(ms))} ms (${ms.map(Math.round).join(', ')})${mib.length ? `, peak ${Math.round(Math.max(...mib))} MiB` : ''}`,
    );
    return {
      contender,
      ms: median(ms),
      min: Math.min(...ms),
      max: Math.max(...ms),
      mib: mib.length ? Math.max(...mib) : undefined,
    };
  });
  const peers = results.filter((r) => !r.contender.measured);
  const best = Math.min(...peers.map((r) => r.ms));
  const ours = results[0] as (typeof results)[number];
  const rows = results.map(
    (r) =>
      `| ${r.contender.name} | ${r.contender.what} | ${(r.ms / 1000).toFixed(2)} s (${(r.min / 1000).toFixed(2)}–${(r.max / 1000).toFixed(2)}) | ${(r.ms / best).toFixed(2)}× | ${r.mib === undefined ? '—' : `${Math.round(r.mib)} MiB`} | \`${r.contender.command}\` |`,
  );
  const timeVerdict = ours.ms < TARGET_MS ? 'under' : 'OVER';
  const memVerdict =
    ours.mib === undefined
      ? ''
      : `, peak ${Math.round(ours.mib)} MiB (${ours.mib < TARGET_MIB ? 'under' : 'OVER'} the ${TARGET_MIB} MiB target)`;
  const found = summary(stream);
  return [
    `**${label}** (\`${stream.slice(root.length)}\`) — ${(statSync(stream).size / 2 ** 20).toFixed(1)} MiB, ${found}; ${ours.contender.name} ${(ours.ms / 1000).toFixed(2)} s median, ${timeVerdict} the ${TARGET_MS / 1000} s target${memVerdict}; ${(ours.ms / best).toFixed(2)}× the fastest parse-only peer.`,
    '',
    `| Contender | Work | Median of ${RUNS} (min–max) | vs best peer | Peak memory | Reproduce |`,
    '|---|---|---|---|---|---|',
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
  title: 'lameduck audit: 40,000 objects, 10,000 documents with and without --fix, precision',
  async run(context) {
    mkdirSync(context.workDir, { recursive: true });
    const big = join(context.workDir, 'helm-40k.yaml');
    const realistic = join(context.workDir, 'helm-10k.yaml');
    const worst = join(context.workDir, 'helm-10k-all-dirty.yaml');
    writeFileSync(big, helmStream(40_000, 3));
    writeFileSync(realistic, helmStream(10_000, 3));
    writeFileSync(worst, helmStream(10_000, 1));
    const sections = [
      await measure(context, '40,000 objects, one release in three with mistakes', big, [
        AUDIT,
        JS_YAML,
      ]),
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
    return `Reproduce with \`npm run bench -- audit\` (streams from \`bench/audit/stream.ts\`: releases of 10 objects as \`helm template\` prints them, with \`# Source:\` comments). Each figure is the median of ${RUNS} runs of a fresh \`node\` process reading the stream from stdin, so process start-up is included for every contender; ratios are against the fastest parse-only peer of the same run; peak memory is the process's maxrss (\`bench/audit/peak.mjs\`), the largest of the runs. The machine is shared: the spread is given.

kube-score and kube-linter were not measured: neither is packaged in the Debian archive or on npm (\`apt-cache search kube-score kube-linter\` and the npm registry find nothing), and nothing else may be downloaded here. The parse-only peers are the floor any YAML-based auditor pays.

${sections.join('\n\n')}
`;
  },
};

export default suite;
