// The Kubernetes Job that runs N load pods, and the CLI's image: clean under lameduck audit, and
// what they say fits the code (the pods' flags parse, the rates add up, the image installs this
// version of the CLI).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseArgs } from '../../src/args/parse.ts';
import { loadOptionsFromFlags } from '../../src/load/cli/options-from-flags.ts';
import load from '../../src/load/command.ts';
import { lameduck } from './support/cli.ts';

const root = new URL('../../../../', import.meta.url);
const jobFile = new URL('examples/kubernetes/load-job.yaml', root);
const dockerfile = new URL('packages/cli/Dockerfile', root);

test('the load Job and the CLI Dockerfile are clean under lameduck audit', async () => {
  const run = await lameduck(['audit', jobFile.pathname, dockerfile.pathname]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /No problems in 2 objects/);
});

test('the Job: N pods at once, each at rate/N with flags that parse; only the JSON on standard output', async () => {
  const job = parse(readFileSync(jobFile, 'utf8'));
  const spec = job.spec;
  assert.equal(job.kind, 'Job');
  assert.equal(spec.parallelism, spec.completions, 'every pod at the same time');
  assert.equal(spec.completionMode, 'Indexed');
  const [container] = spec.template.spec.containers;
  const [subcommand, ...argv] = container.args as string[];
  assert.equal(subcommand, 'load');
  const parsed = parseArgs(load, argv);
  const options = await loadOptionsFromFlags({
    options: parsed.options,
    positionals: parsed.positionals,
    rest: parsed.rest,
    given: parsed.given,
    io: {
      cwd: process.cwd(),
      env: {},
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
    },
  });
  // the comment says 4 pods × 500 req/s = 2,000 req/s
  assert.equal((options.rate as number) * spec.parallelism, 2000);
  assert.match(readFileSync(jobFile, 'utf8'), /4 pods × 500 req\/s = 2,000 req\/s/);
  assert.equal(parsed.options.json, '-');
  assert.equal(parsed.options.quiet, true);
  assert.match(
    String(parsed.positionals[0]),
    /\.svc\.cluster\.local\//,
    'through the Service, inside the cluster',
  );
});

test('the image installs this version of the CLI and runs lameduck as PID 1 (exec form)', () => {
  const text = readFileSync(dockerfile, 'utf8');
  const version = (
    JSON.parse(readFileSync(new URL('packages/cli/package.json', root), 'utf8')) as {
      version: string;
    }
  ).version;
  assert.match(text, new RegExp(`@lameduck/cli@${version.replace(/\./g, '\\.')}\\b`));
  assert.match(text, /^ENTRYPOINT \["lameduck"\]$/m);
  assert.match(text, /^USER node$/m);
});
