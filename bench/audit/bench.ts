// `npm run bench -- audit`: 10,000 documents through `lameduck audit -` (stdin), against the cost of
// just parsing the same stream with the two YAML parsers in the dependency tree. kube-score and
// kube-linter are Go binaries that neither the Debian archive nor npm offers here, so they could not
// be measured side by side.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, BenchSuite } from '../run.ts';
import { helmStream } from './stream.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'packages/cli/dist/bin.js');
const RUNS = 7;
const DOCUMENTS = 10_000;
const TARGET_MS = 3000;

interface Contender {
  readonly name: string;
  readonly args: (stream: string) => string[];
  /** What it does, for the table. */
  readonly what: string;
  readonly command: string;
}

const parseWith = (code: string) => ['--input-type=module', '-e', code];

const CONTENDERS: readonly Contender[] = [
  {
    name: 'lameduck audit',
    what: 'parse, cross-match, run all 13 rules, JSON report',
    args: () => [cli, 'audit', '--format', 'json', '--fail-on', 'never', '-'],
    command:
      'node packages/cli/dist/bin.js audit --format json - < bench/.work/audit/<stream>.yaml',
  },
  {
    name: 'js-yaml loadAll (parse only)',
    what: 'floor: the fastest parse of the same stream',
    args: () =>
      parseWith(
        "import { loadAll } from 'js-yaml'; import { readFileSync } from 'node:fs'; process.stdout.write(String(loadAll(readFileSync(0, 'utf8')).length));",
      ),
    command:
      "node -e \"require('js-yaml').loadAll(require('fs').readFileSync(0,'utf8'))\" < bench/.work/audit/<stream>.yaml",
  },
  {
    name: 'yaml parseAllDocuments (parse only)',
    what: 'the `yaml` Document API (comments, ranges) on the same stream',
    args: () =>
      parseWith(
        "import { parseAllDocuments } from 'yaml'; import { readFileSync } from 'node:fs'; process.stdout.write(String(parseAllDocuments(readFileSync(0, 'utf8')).length));",
      ),
    command:
      "node -e \"require('yaml').parseAllDocuments(require('fs').readFileSync(0,'utf8'))\" < bench/.work/audit/<stream>.yaml",
  },
];

/** Runs one contender with the stream on stdin; resolves with the wall time in ms. */
function time(contender: Contender, stream: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const input = openSync(stream, 'r');
    const started = performance.now();
    const child = spawn(process.execPath, contender.args(stream), {
      cwd: join(root, 'packages/cli'),
      stdio: [input, 'ignore', 'pipe'],
      timeout: 60_000,
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      closeSync(input);
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
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

async function measure(context: BenchContext, label: string, stream: string): Promise<string> {
  // Round-robin, so that a change in the machine's load hits every contender alike.
  const runs = CONTENDERS.map(() => [] as number[]);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, contender] of CONTENDERS.entries()) runs[k]?.push(await time(contender, stream));
  }
  const results = CONTENDERS.map((contender, k) => {
    const all = runs[k] ?? [];
    context.log(
      `${label}: ${contender.name} median ${Math.round(median(all))} ms (${all.map(Math.round).join(', ')})`,
    );
    return { contender, ms: median(all) };
  });
  const peers = results.slice(1);
  const best = Math.min(...peers.map((r) => r.ms));
  const audit = results[0] as { ms: number };
  const rows = results.map(
    (r) =>
      `| ${r.contender.name} | ${r.contender.what} | ${(r.ms / 1000).toFixed(2)} s | ${(r.ms / best).toFixed(2)}× | \`${r.contender.command}\` |`,
  );
  const verdict = audit.ms < TARGET_MS ? 'under' : 'OVER';
  const found = summary(stream);
  return [
    `**${label}** (\`${stream.slice(root.length)}\`) — ${(statSync(stream).size / 2 ** 20).toFixed(1)} MiB, ${found}; lameduck audit ${(audit.ms / 1000).toFixed(2)} s, ${verdict} the ${TARGET_MS / 1000} s target; ${(audit.ms / best).toFixed(2)}× the fastest parse-only peer.`,
    '',
    `| Contender | Work | Median of ${RUNS} | vs best peer | Reproduce |`,
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

const suite: BenchSuite = {
  title: 'lameduck audit: 10,000 documents through stdin',
  async run(context) {
    mkdirSync(context.workDir, { recursive: true });
    const realistic = join(context.workDir, 'helm-10k.yaml');
    const worst = join(context.workDir, 'helm-10k-all-dirty.yaml');
    writeFileSync(realistic, helmStream(DOCUMENTS, 3));
    writeFileSync(worst, helmStream(DOCUMENTS, 1));
    const sections = [
      await measure(
        context,
        `helm template stream, ${DOCUMENTS} documents, one release in three with mistakes`,
        realistic,
      ),
      await measure(
        context,
        `worst case, ${DOCUMENTS} documents, every release with mistakes`,
        worst,
      ),
    ];
    return `Reproduce with \`npm run bench -- audit\` (streams from \`bench/audit/stream.ts\`: 1,000 releases × 10 objects as \`helm template\` prints them). Each figure is the median of ${RUNS} runs of a fresh \`node\` process reading the stream from stdin, so process start-up is included for every contender; ratios are against the fastest parse-only peer of the same run.

kube-score and kube-linter were not measured: neither is packaged in the Debian archive or on npm (\`apt-cache search kube-score kube-linter\` and the npm registry find nothing), and nothing else may be downloaded here. The parse-only peers are the floor any YAML-based auditor pays.

${sections.join('\n\n')}
`;
  },
};

export default suite;
