import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { listChainsSync, removeStaleChains } from '../../src/lab/network/iptables-proxy.ts';
import { removeStaleServerDirs } from '../../src/lab/network/server-process.ts';
import { isRoot, until } from './helpers.ts';
import { hasCommand } from './system.ts';

const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const iptables = isRoot && hasCommand('iptables-restore');

/** Pids of processes whose environment says they are pods of the block `127.a.b`. */
function podsOf(prefix: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      if (env.includes(`HOST=${prefix}.10`) || env.some((v) => v.startsWith(`HOST=${prefix}.`))) {
        pids.push(Number(name));
      }
    } catch {}
  }
  return pids;
}

/** Pids of processes started from a server folder of the lab with this pid (nginx, haproxy). */
function serversOf(labPid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmdline.includes(`lameduck-lab-${labPid}-`)) pids.push(Number(name));
    } catch {}
  }
  return pids;
}

/** The lab's server folders in the temp folder. */
function foldersOf(labPid: number): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith(`lameduck-lab-${labPid}-`));
}

/** Starts a lab, waits until its first rolling update runs, and returns the child and its block. */
async function startLab(args: string[]) {
  const child = spawn(process.execPath, [bin, 'lab', '--quick', '--scenario', 'naive', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.resume();
  await until(() => /rolling update 1\/1/.test(stderr), 30_000, `the rollout to start: ${stderr}`);
  const prefix = /behind http:\/\/(127\.\d+\.\d+)\.\d+:/.exec(stderr)?.[1];
  assert.ok(prefix, stderr);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, prefix, exited, stderr: () => stderr };
}

test('Ctrl-C: the lab removes every pod process, iptables rule and haproxy it created, then exits 130', {
  skip: process.platform === 'linux' ? false : 'reads /proc',
}, async () => {
  const haproxy = hasCommand('haproxy');
  const lab = await startLab([
    ...(iptables ? ['--proxy', 'iptables'] : []),
    ...(haproxy ? ['--ingress', 'haproxy'] : []),
  ]);
  const pid = lab.child.pid as number;
  assert.ok(podsOf(lab.prefix).length > 0, 'pods are running');
  if (haproxy) {
    assert.ok(serversOf(pid).length > 0, 'haproxy is running');
    assert.equal(foldersOf(pid).length, 1, 'in a temp folder of its own');
  }
  if (iptables) assert.ok(listChainsSync().some((c) => c.startsWith(`LDLAB${pid}x`)));
  lab.child.kill('SIGINT');
  assert.equal(await lab.exited, 130, lab.stderr());
  assert.match(
    lab.stderr(),
    /interrupted; every pod, socket, rule and server the lab created was removed/,
  );
  assert.deepEqual(podsOf(lab.prefix), []);
  assert.deepEqual(serversOf(pid), [], 'haproxy is gone');
  assert.deepEqual(foldersOf(pid), [], 'and its folder');
  if (iptables)
    assert.deepEqual(
      listChainsSync().filter((c) => c.startsWith(`LDLAB${pid}x`)),
      [],
    );
});

test('a lab killed with SIGKILL takes its pods and nginx with it; its iptables chains and folders are removed by the next run', {
  skip: process.platform === 'linux' ? false : 'reads /proc',
}, async () => {
  const nginx = hasCommand('nginx') && isRoot;
  const lab = await startLab([
    ...(iptables ? ['--proxy', 'iptables'] : []),
    ...(nginx ? ['--ingress', 'nginx-reload'] : []),
  ]);
  const pid = lab.child.pid as number;
  if (nginx) assert.ok(serversOf(pid).length > 0, 'nginx is running');
  lab.child.kill('SIGKILL');
  await lab.exited;
  await until(() => podsOf(lab.prefix).length === 0, 5_000, 'the pods to die with the lab');
  // Its own PID namespace as root: the master and its workers die with the lab.
  if (nginx) await until(() => serversOf(pid).length === 0, 5_000, 'nginx to die with the lab');
  if (nginx) {
    assert.equal(foldersOf(pid).length, 1, 'a SIGKILLed lab cannot remove its folder');
    assert.ok(
      removeStaleServerDirs((p) => p !== pid).some((n) => n.startsWith(`lameduck-lab-${pid}-`)),
    );
    assert.deepEqual(foldersOf(pid), []);
  }
  if (iptables) {
    assert.ok(
      listChainsSync().some((c) => c.startsWith(`LDLAB${pid}x`)),
      'chains outlive a SIGKILL',
    );
    const removed = await removeStaleChains((p) => p !== pid); // only the killed lab is gone
    assert.ok(
      removed.some((c) => c.startsWith(`LDLAB${pid}x`)),
      removed.join(', '),
    );
    assert.deepEqual(
      listChainsSync().filter((c) => c.startsWith(`LDLAB${pid}x`)),
      [],
    );
  }
});
