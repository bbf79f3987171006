// docs/lab.md's own-app example with the repository's example manifest, unchanged: a plain node:http
// app started with `node --import lameduck/auto server.js`. The manifest does not set
// LAMEDUCK_ADMIN_HOST (in a cluster the admin server binds all interfaces of its own pod); the lab's
// pods share one network namespace, so the pod network points it at each pod's address, and every
// pod's admin server answers the probes and the preStop hook on its own 127.x.y.z.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const manifest = fileURLToPath(
  new URL('../../../../examples/kubernetes/deployment.yaml', import.meta.url),
);
const library = fileURLToPath(new URL('../../../lameduck', import.meta.url));

/** The smallest app the example's command can run: node:http on HOST:PORT, as docs/lab.md asks. */
const SERVER = `const http = require('node:http');
http
  .createServer((req, res) => setTimeout(() => res.end('ok\\n'), 5))
  .listen(Number(process.env.PORT), process.env.HOST);
`;

test('examples/kubernetes/deployment.yaml runs unchanged in the lab: pods ready, zero failures', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-example-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'server.js'), SERVER);
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(library, join(dir, 'node_modules', 'lameduck'), 'dir');
  const json = join(dir, 'lab.json');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}`,
  };
  delete env.NODE_TEST_CONTEXT;
  const result = await promisify(execFile)(
    process.execPath,
    [bin, 'lab', '--manifest', manifest, '--quick', '--json', json],
    { cwd: dir, env, timeout: 120_000 },
  ).catch((error: { code: number; stdout: string; stderr: string }) => error);
  const report = JSON.parse(readFileSync(json, 'utf8'));
  const api = report.scenarios[0];
  const shown = `${result.stdout}\n${result.stderr}`;
  assert.equal(api.name, 'api');
  assert.equal(api.error, undefined, shown);
  assert.equal(api.failed, 0, shown);
  assert.ok(api.ok > 0, shown);
  assert.equal(api.rollouts.length, 1);
  const events = api.events as { pod: string; type: string; detail?: string }[];
  const ready = new Set(events.filter((e) => e.type === 'ready').map((e) => e.pod));
  assert.equal(ready.size, 4, `2 pods (--quick), then 2 new, each ready: ${shown}`);
  const preStops = events.filter((e) => e.type === 'prestop-done');
  assert.equal(preStops.length, 2, 'both old pods ran the preStop hook');
  for (const e of preStops) assert.equal(e.detail, 'httpGet', `${e.pod}: GET /prestop answered`);
  assert.deepEqual(
    events.filter((e) => e.type === 'sigkill'),
    [],
    'every old pod drained within its grace period',
  );
  assert.equal((result as { code?: number }).code ?? 0, 0, shown);
});
