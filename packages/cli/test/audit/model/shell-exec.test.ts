// Every rewrite of a `sh -c` script is executed: under dash and under bash, with stand-in programs that
// record their arguments, environment and signals, the original and the rewritten script start the
// same programs with the same arguments and environment, and the app of the rewritten one now runs in
// the shell's place and receives SIGTERM. The scripts are generated (seeded) and collected from
// real-world manifests; each goes through the real `--fix` path (YAML in, YAML out, in every
// scalar style) before it is run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Document, parse as parseYaml } from 'yaml';
import { type SeededRandom, seededRandom } from '../../../../../test/support/random.ts';
import { fixSources } from '../../../src/audit/fix/fix-sources.ts';
import { parseDockerfile } from '../../../src/audit/input/dockerfile-parser.ts';
import { readSources } from '../../../src/audit/input/read-sources.ts';
import { analyzeScript } from '../../../src/audit/model/shell.ts';
import { defaults, yamlSource } from '../helpers.ts';
import { StubBin } from '../support/stub-shell.ts';

const SHELLS = ['dash', 'bash'].filter(
  (shell) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0,
);
const APPS = ['node', 'server', 'gunicorn', 'java', 'app-bin'];
const SETUP = ['migrate', 'setup', 'prepare', 'wait-for'];

const root = mkdtempSync(join(tmpdir(), 'lameduck-shell-exec-'));
after(() => rmSync(root, { recursive: true, force: true }));

type Rng = SeededRandom;

const ARGS = [
  'server.js',
  '--port "$PORT"',
  "'single quoted arg'",
  '"double $HOME"',
  'a\\ b',
  '--opt=1',
  '"$(printf sub)"',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion
  '"${MISSING:-default}"',
  '-Dx=y',
  '""',
  "'it''s'",
];
const ASSIGNMENTS = ['FOO=bar', 'NODE_ENV=production', 'A="x y"', "B='q'", 'C=$HOME', 'D='];
const BEFORE = [
  () => 'cd /tmp',
  () => 'export GREETING=hello',
  () => 'umask 022',
  () => 'set -e',
  () => ': noop',
  () => '# a comment line',
  () => 'X=$(printf abc)',
  () => '[ -d /tmp ] && cd /tmp',
  () => 'test -n "$HOME" || exit 1',
  () => 'if [ -f /nonexistent ]; then setup; fi',
  () => 'for f in a b; do prepare "$f"; done',
  (rng: Rng) => `${rng.pick(SETUP)} ${rng.pick(['--flag', '"a b"', 'db:5432 -t 30', ''])}`.trim(),
  (rng: Rng) => `${rng.pick(SETUP)} && ${rng.pick(SETUP)}`,
];
const JOIN = ['; ', ' && ', '\n', '\n\n', ' ;\n'];

/** A script whose last command is the app, which exec can safely replace the shell with. */
function fixableScript(rng: Rng): { script: string; app: string } {
  const app = rng.pick(APPS);
  const parts: string[] = [];
  for (let i = rng.int(4); i > 0; i--) parts.push(rng.pick(BEFORE)(rng));
  const assignments = Array.from({ length: rng.int(3) }, () => rng.pick(ASSIGNMENTS));
  const args = Array.from({ length: rng.int(5) }, () => rng.pick(ARGS));
  const redirect = rng.pick(['', '', '', ' 2>&1', ' </dev/null']);
  let command = [...assignments, app, ...args].join(' ') + redirect;
  if (rng.chance(0.15)) command = `[ -f /nonexistent ] || ${command}`;
  if (rng.chance(0.1) && args.length) command = command.replace(` ${args[0]}`, ` \\\n  ${args[0]}`);
  let script = '';
  for (const part of parts) {
    const sep = part.startsWith('#') ? '\n' : rng.pick(JOIN);
    script += part + sep;
  }
  script += command + rng.pick(['', '', ';', '\n', ' # started', '  ']);
  return { script, app };
}

/** Scripts seen in public manifests and charts (patterns reproduced, see docs/audit-corpus.md). */
const COLLECTED: readonly { script: string; app: string; from: string }[] = [
  { script: 'node server.js', app: 'node', from: 'Express sample Deployments' },
  {
    script: 'migrate --wait && node dist/main.js',
    app: 'node',
    from: 'Node API charts running migrations before the server',
  },
  {
    script: 'cd /tmp && NODE_ENV=production node server.js',
    app: 'node',
    from: 'Dockerfile CMD converted to a manifest command',
  },
  {
    script:
      'set -e\nwait-for db:5432 -t 60\nmigrate\nexec_args="--bind 0.0.0.0:8000"\ngunicorn app:app $exec_args',
    app: 'gunicorn',
    from: 'Python web charts (gunicorn behind a wait-for script)',
  },
  {
    script: 'java $JAVA_OPTS -jar /app/app.jar --server.port=8080',
    app: 'java',
    from: 'Spring Boot charts passing JAVA_OPTS through sh -c',
  },
  {
    script: 'export PATH="$PATH:/opt/bin"; server --config /etc/app/config.yaml',
    app: 'server',
    from: 'Go services with a PATH tweak',
  },
  {
    script: '[ -n "$SKIP_SETUP" ] || setup\nserver -listen=:8080 2>&1',
    app: 'server',
    from: 'optional setup step, then the server with its stderr merged',
  },
];

const ENV = { HOME: '/tmp', PORT: '8080', LANG: 'C' };

/** The script as a Deployment's args, serialized in a scalar style; fixed through `fixSources`. */
function fixThroughYaml(script: string, style: number): string | undefined {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          terminationGracePeriodSeconds: 60,
          containers: [
            {
              name: 'web',
              image: 'registry.example/web:1',
              command: ['/bin/sh', '-c'],
              args: [script],
            },
          ],
        },
      },
    },
  };
  const types = ['PLAIN', 'QUOTE_SINGLE', 'QUOTE_DOUBLE', 'BLOCK_LITERAL'] as const;
  const text =
    style === types.length
      ? JSON.stringify(deployment, null, 2)
      : new Document(deployment).toString({
          defaultStringType: types[style] ?? 'PLAIN',
          lineWidth: 0,
        });
  const { changed } = fixSources([yamlSource(text, 'web.yaml')], defaults);
  const after = changed.get('web.yaml')?.after;
  if (after === undefined) return undefined;
  return parseYaml(after).spec.template.spec.containers[0].args[0] as string;
}

/**
 * What must not change. Under bash, two variables that bash itself sets are left out: `SHLVL`, which
 * bash lowers by one when it execs (its own last-command exec does too: `bash -c env` prints
 * SHLVL=0, `bash -c 'env 2>&1'` SHLVL=1), and `_`, the path of the command bash forks, which
 * `exec` does not set. Neither comes from the container's environment.
 */
/**
 * The script in a Dockerfile, fixed through `fixSources`: in exec form (`["/bin/sh", "-c", script]`)
 * the rewritten script is the same; in shell form (one-line scripts) too, unless the script is one
 * plain command, which becomes the exec form without a shell.
 */
function checkDockerfile(label: string, script: string, rewritten: string): void {
  const fixed = (cmd: string) => {
    const text = `FROM node:22-slim\nWORKDIR /app\n${cmd}\n`;
    const { changed } = fixSources([{ file: 'Dockerfile', text, type: 'dockerfile' }], defaults);
    const after = changed.get('Dockerfile')?.after ?? text;
    return parseDockerfile({ file: 'Dockerfile', text: after, type: 'dockerfile' }).finalStage.at(
      -1,
    );
  };
  const exec = fixed(`CMD ${JSON.stringify(['/bin/sh', '-c', script])}`);
  assert.equal(exec?.exec?.[2], rewritten, `${label}: the Dockerfile fix (exec form) differs`);
  if (script.includes('\n')) return;
  const shell = fixed(`CMD ${script}`);
  if (shell?.exec)
    assert.notEqual(shell.exec[0], '/bin/sh', `${label}: the exec form keeps no shell`);
  else
    assert.equal(
      shell?.args,
      rewritten.trim(),
      `${label}: the Dockerfile fix (shell form) differs`,
    );
}

function comparable(run: Awaited<ReturnType<StubBin['run']>>, shell: string) {
  return run.invocations.map(({ name, argv, env }) => {
    const kept = { ...env };
    if (shell === 'bash') {
      delete kept.SHLVL;
      delete kept._;
    }
    return { name, argv, env: kept };
  });
}

async function checkRewrite(label: string, script: string, app: string, style: number) {
  const problem = analyzeScript('sh', script);
  assert.ok(
    problem?.kind === 'shell-no-exec' && problem.rewrite,
    `${label}: no rewrite for:\n${script}`,
  );
  const fixed = fixThroughYaml(script, style);
  assert.equal(
    fixed,
    problem.rewrite.script,
    `${label}: --fix wrote another script (style ${style})`,
  );
  checkDockerfile(label, script, problem.rewrite.script);
  const stubs = new StubBin(mkdtempSync(join(root, 'run-')), [app], SETUP);
  try {
    for (const shell of SHELLS) {
      const before = await stubs.run(shell, script, ENV);
      const after: Awaited<ReturnType<StubBin['run']>> = await stubs.run(shell, fixed, ENV);
      const where: string = `${label} under ${shell}:\n--- original\n${script}\n--- rewritten\n${fixed}\n${after.stderr}`;
      assert.ok(before.appStarted && after.appStarted, `the app did not start: ${where}`);
      assert.deepEqual(
        comparable(after, shell),
        comparable(before, shell),
        `other programs, arguments or environment: ${where}`,
      );
      assert.ok(after.appIsShell, `the app does not replace the shell: ${where}`);
      assert.deepEqual(after.appSignals, ['TERM'], `the app did not receive SIGTERM: ${where}`);
      if (shell === 'dash')
        assert.deepEqual(before.appSignals, [], `dash passed SIGTERM on without exec: ${where}`);
    }
  } finally {
    rmSync(stubs.dir, { recursive: true, force: true });
  }
}

const SEED = Number(process.env.LAMEDUCK_PROPERTY_SEED ?? 20261130);
const GENERATED = 40;
const skip = SHELLS.includes('dash')
  ? false
  : 'dash is not installed (scripts/system-packages.txt)';

test(`${GENERATED} generated scripts: the rewrite runs the same programs and the app gets SIGTERM (seed ${SEED})`, {
  skip,
}, async () => {
  const jobs: Promise<void>[] = [];
  for (let i = 0; i < GENERATED; i++) {
    const rng = seededRandom(SEED + i);
    const { script, app } = fixableScript(rng);
    jobs.push(checkRewrite(`seed ${SEED + i}`, script, app, i % 5));
    if (jobs.length === 4) await Promise.all(jobs.splice(0));
  }
  await Promise.all(jobs);
});

test('collected scripts: the rewrite runs the same programs and the app gets SIGTERM', {
  skip,
}, async () => {
  let i = 0;
  for (const { script, app, from } of COLLECTED) await checkRewrite(from, script, app, i++ % 5);
});

test('bash already execs a plain last command: the scripts it accepts deliver SIGTERM as written', {
  skip: SHELLS.includes('bash') ? false : 'bash is missing',
}, async () => {
  const stubs = new StubBin(mkdtempSync(join(root, 'bash-')), ['node'], SETUP);
  try {
    for (const script of [
      'node server.js',
      'migrate; node server.js',
      'migrate && FOO=1 node a.js',
    ]) {
      assert.equal(analyzeScript('bash', script), undefined, script);
      const run = await stubs.run('bash', script, ENV);
      assert.deepEqual(run.appSignals, ['TERM'], `bash did not exec: ${script}`);
    }
  } finally {
    rmSync(stubs.dir, { recursive: true, force: true });
  }
});

test('the npm pre-script rewrite runs the pre script, then the app, which gets SIGTERM', {
  skip,
}, async () => {
  const dir = mkdtempSync(join(root, 'npm-'));
  writeFileSync(join(dir, 'Dockerfile'), 'FROM node:22-slim\nCOPY . .\nCMD ["npm", "start"]\n');
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ scripts: { prestart: 'node migrate.js', start: 'node server.js' } }),
  );
  const sources = await readSources(['Dockerfile'], { cwd: dir, stdin: process.stdin });
  const after = fixSources(sources.sources, defaults).changed.get('Dockerfile')?.after ?? '';
  const argv = parseDockerfile({
    file: 'Dockerfile',
    text: after,
    type: 'dockerfile',
  }).finalStage.at(-1)?.exec;
  assert.deepEqual(argv?.slice(0, 2), ['/bin/sh', '-c']);
  const stubs = new StubBin(dir, ['node'], ['npm']);
  for (const shell of SHELLS) {
    const run = await stubs.run(shell, argv?.[2] ?? '', ENV);
    assert.deepEqual(
      run.invocations.map((i) => [i.name, ...i.argv].join(' ')),
      ['npm run prestart', 'node server.js'],
    );
    assert.ok(run.appIsShell, shell);
    assert.deepEqual(run.appSignals, ['TERM'], shell);
  }
  rmSync(dir, { recursive: true, force: true });
});
