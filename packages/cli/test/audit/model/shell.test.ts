import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeArgv } from '../../../src/audit/model/shell.ts';

const cases: [string[], string | undefined][] = [
  [['node', 'server.js'], undefined],
  [['/usr/local/bin/node', 'server.js'], undefined],
  [['sh', '-c', 'node server.js'], 'shell-no-exec'],
  [['/bin/sh', '-ec', 'exec node server.js'], undefined],
  [['sh', '-c', 'exec npm start'], 'package-manager'],
  [['sh', '-c', 'npm run migrate && exec node server.js'], undefined],
  [['sh', '-c', 'npm run migrate && node server.js'], 'shell-no-exec'],
  [['bash', '-c', 'echo hi; node server.js'], undefined],
  [['bash', '-c', 'node a.js | tee log'], 'shell-no-exec'],
  [['bash', '-c', 'trap "kill -TERM $pid" TERM; node server.js & pid=$!; wait $pid'], undefined],
  [['npm', 'start'], 'package-manager'],
  [['yarn', 'node', 'server.js'], 'package-manager'],
  [['pnpm', 'run', 'serve'], 'package-manager'],
  [['tini', '--', 'npm', 'start'], 'package-manager'],
  [['dumb-init', 'node', 'server.js'], undefined],
  [['/sbin/tini', '-g', '--', 'sh', '-c', 'node a.js'], 'shell-no-exec'],
  [['busybox', 'sh', '-c', 'httpd -f'], 'shell-no-exec'],
  [['sh', 'start.sh'], undefined],
];

for (const [argv, expected] of cases) {
  test(`analyzeArgv ${JSON.stringify(argv)} → ${expected ?? 'ok'}`, () => {
    assert.equal(analyzeArgv(argv)?.kind, expected);
  });
}

test('the package.json script a package manager runs is named', () => {
  const script = (argv: string[]) => {
    const p = analyzeArgv(argv);
    return p?.kind === 'package-manager' ? p.script : 'not a package manager';
  };
  assert.equal(script(['npm', 'start']), 'start');
  assert.equal(script(['npm', 'run', 'serve', '--', '--port', '80']), 'serve');
  assert.equal(script(['npm', 'ci']), undefined);
  assert.equal(script(['yarn', 'web']), 'web');
  assert.equal(script(['pnpm', '--silent', 'run', 'web']), 'web');
  assert.equal(script(['npx', 'serve']), undefined);
});

test('the rewrite puts exec before the last command, after its assignments', () => {
  const rewrite = (script: string) => {
    const p = analyzeArgv(['sh', '-c', script]);
    return p?.kind === 'shell-no-exec' ? (p.rewrite?.script ?? p.unfixable) : p?.kind;
  };
  assert.equal(
    rewrite('cd /app; node server.js --port "$PORT"'),
    'cd /app; exec node server.js --port "$PORT"',
  );
  assert.equal(rewrite('FOO=bar node server.js'), 'FOO=bar exec node server.js');
  assert.equal(
    rewrite('./migrate && node "s x.js" # start'),
    './migrate && exec node "s x.js" # start',
  );
  assert.equal(rewrite('node $(cat main.txt)'), 'exec node $(cat main.txt)');
  assert.equal(
    rewrite('echo "a; b" && printf \'x|y\'; node "s\\"x.js"'),
    'echo "a; b" && printf \'x|y\'; exec node "s\\"x.js"',
  );
});

test('scripts that exec cannot fix are left alone, with the reason', () => {
  const reason = (script: string) => {
    const p = analyzeArgv(['sh', '-c', script]);
    return p?.kind === 'shell-no-exec' && !p.rewrite
      ? (p.unfixable ?? '')
      : `fixable or fine: ${p?.kind}`;
  };
  assert.match(
    reason('if [ -f a ]; then node a.js; else node b.js; fi'),
    /compound command \(if … fi\)/,
  );
  assert.match(reason('node server.js &'), /background/);
  assert.match(reason('node a.js | tee log'), /pipeline/);
  assert.match(reason('trap "echo bye" EXIT; node a.js'), /trap/);
  assert.match(reason('start() { node a.js; }; start'), /function of the script/);
  assert.match(reason('node a.js; echo done'), /builtin/);
  assert.match(reason('! node a.js'), /negated/);
  assert.match(reason('node "a.js'), /does not parse/);
  assert.match(reason('node a.js & wait'), /trap/);
});
