// Failures below HTTP, with real sockets and a real resolver, each in network, mount and PID
// namespaces the test creates (unshare): nothing leaves them, and every process in them ends with
// the test's shell. A route of type `unreachable` answers EHOSTUNREACH; an address without any route
// ENETUNREACH; a name server that never answers (on the namespace's own loopback, named by a
// resolv.conf bind-mounted for the namespace only) keeps getaddrinfo busy until its timeout.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { LoadReport } from '../../../src/load/index.ts';
import { startLameduck } from '../support/cli.ts';
import { occurred } from '../support/invariants.ts';

const dir = mkdtempSync(join(tmpdir(), 'lameduck-load-netns-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const isRoot = process.getuid?.() === 0;
const has = (command: string) =>
  spawnSync('sh', ['-c', `command -v ${command} || test -x /usr/sbin/${command}`], {
    stdio: 'ignore',
  }).status === 0;
const skip = !isRoot
  ? 'needs root for network namespaces'
  : !has('unshare') || !has('ip')
    ? 'needs unshare (util-linux) and ip (iproute2)'
    : false;

/** `lameduck load …` inside fresh namespaces, after `setup` ran there; its JSON report on stdout. */
async function loadInNamespace(setup: string, argv: string[]) {
  const script = `set -e; ${setup}; "$@"`;
  const prefix = [
    'unshare',
    '--fork',
    '--pid',
    '--kill-child',
    '--net',
    '--mount',
    'sh',
    '-c',
    script,
    'sh',
  ];
  const run = await startLameduck([...argv, '--quiet', '--json', '-'], {
    prefix,
    timeoutMs: 30_000,
  }).done;
  return { run, report: JSON.parse(run.stdout) as LoadReport };
}

test('no route to the host: host-unreachable; no route to its network: network-unreachable', async (t) => {
  if (skip) return t.skip(skip);
  const setup = 'ip link set lo up; ip route add unreachable 10.99.0.0/24';
  const brief = ['--rate', '20', '--duration', '500ms'];
  const host = await loadInNamespace(setup, ['load', 'http://10.99.0.1/', ...brief]);
  assert.equal(host.run.code, 1, host.run.stderr);
  assert.deepEqual(occurred(host.report), { 'host-unreachable': 10 });
  const network = await loadInNamespace(setup, ['load', 'http://10.98.0.1/', ...brief]);
  assert.deepEqual(occurred(network.report), { 'network-unreachable': 10 });
  assert.ok(network.report.samples.some((s) => /ENETUNREACH/.test(s.message)));
});

test('a name server that never answers: dns-timeout, and the run still ends on time', async (t) => {
  if (skip) return t.skip(skip);
  const resolv = join(dir, 'resolv.conf');
  writeFileSync(resolv, 'nameserver 127.0.0.1\noptions timeout:2 attempts:1\n');
  const silentDns = `${JSON.stringify(process.execPath)} -e "require('node:dgram').createSocket('udp4').bind(53, '127.0.0.1')"`;
  const setup = `mount --bind ${resolv} /etc/resolv.conf; ip link set lo up; ${silentDns} & sleep 0.3`;
  const { run, report } = await loadInNamespace(setup, [
    'load',
    'http://slow.lameduck.test/',
    '--rate',
    '40',
    '--duration',
    '500ms',
    '--timeout',
    '300ms',
  ]);
  assert.equal(run.code, 1, run.stderr);
  assert.deepEqual(occurred(report), { 'dns-timeout': 20 });
  // every connection waited for the one lookup in flight: it ends after resolv.conf's 2 s, and so
  // does the process (it did not queue 20 lookups behind libuv's 4 threads)
  assert.ok(run.ms < 8000, `the run took ${run.ms} ms`);
});
