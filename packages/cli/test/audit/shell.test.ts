import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDockerfile } from '../../src/audit/dockerfile.ts';
import { preStopOf } from '../../src/audit/prestop.ts';
import { analyzeArgv } from '../../src/audit/shell.ts';

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

test('preStop delays are read from sleep, exec sleep and sh -c sleep', () => {
  const container = (lifecycle: unknown) => ({
    name: 'c',
    index: 0,
    path: [],
    spec: { lifecycle },
  });
  assert.deepEqual(preStopOf(container(undefined)), { kind: 'none' });
  assert.equal(
    (preStopOf(container({ preStop: { sleep: { seconds: 7 } } })) as { seconds: number }).seconds,
    7,
  );
  assert.equal(
    (
      preStopOf(container({ preStop: { exec: { command: ['/bin/sleep', '1m'] } } })) as {
        seconds: number;
      }
    ).seconds,
    60,
  );
  const sh = preStopOf(
    container({ preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 15 && nginx -s quit'] } } }),
  );
  assert.equal(sh.kind, 'exec-sleep');
  assert.equal((sh as { seconds: number }).seconds, 15);
  assert.equal(
    preStopOf(container({ preStop: { httpGet: { path: '/prestop', port: 9090 } } })).kind,
    'other',
  );
});

test('Dockerfile parsing: final stage only, continuations, exec vs shell form, invalid JSON is shell form', () => {
  const text = `# syntax=docker/dockerfile:1
FROM node:20 AS build
CMD ["npm", "run", "build"]

FROM gcr.io/distroless/nodejs20
COPY --from=build /app /app
ENTRYPOINT ["node", \\
  "/app/server.js"]
CMD ['--port', '8080']
`;
  const file = parseDockerfile({ file: 'Dockerfile', text, type: 'dockerfile' });
  const keywords = file.finalStage.map((i) => i.keyword);
  assert.deepEqual(keywords, ['FROM', 'COPY', 'ENTRYPOINT', 'CMD']);
  const entry = file.finalStage[2];
  assert.deepEqual(entry?.exec, ['node', '/app/server.js']);
  assert.deepEqual(entry?.position, { line: 7, column: 1 });
  assert.equal(file.finalStage[3]?.exec, undefined, 'single quotes are not JSON: shell form');
});
