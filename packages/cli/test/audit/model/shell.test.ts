import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeArgv, splitCommands } from '../../../src/audit/model/shell.ts';

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

test('the exec target is the last plain command, or absent when prefixing exec is unsafe', () => {
  const plain = analyzeArgv(['sh', '-c', 'cd /app; node server.js --port "$PORT"']);
  assert.equal(
    plain?.kind === 'shell-no-exec' && plain.execTarget,
    'node server.js --port "$PORT"',
  );
  const subshell = analyzeArgv(['sh', '-c', 'node $(cat main.txt)']);
  assert.equal(subshell?.kind === 'shell-no-exec' && subshell.execTarget, undefined);
});

test('splitCommands respects quotes and escapes', () => {
  assert.deepEqual(
    splitCommands('echo "a; b" && printf \'x|y\'; node "s\\"x.js"').map((c) => c.text),
    ['echo "a; b"', "printf 'x|y'", 'node "s\\"x.js"'],
  );
});
