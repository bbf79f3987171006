import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { listChainsSync, removeStaleChains } from '../../src/lab/network/iptables-proxy.ts';
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
  const prefix = /behind http:\/\/(127\.\d+\.\d+)\.1:/.exec(stderr)?.[1];
  assert.ok(prefix, stderr);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, prefix, exited, stderr: () => stderr };
}

test('Ctrl-C: the lab removes every pod process and iptables rule it created, then exits 130', {
  skip: process.platform === 'linux' ? false : 'reads /proc',
}, async () => {
  const lab = await startLab(iptables ? ['--proxy', 'iptables'] : []);
  const pid = lab.child.pid as number;
  assert.ok(podsOf(lab.prefix).length > 0, 'pods are running');
  if (iptables) assert.ok(listChainsSync().some((c) => c.startsWith(`LDLAB${pid}x`)));
  lab.child.kill('SIGINT');
  assert.equal(await lab.exited, 130, lab.stderr());
  assert.match(lab.stderr(), /interrupted; every pod, socket and rule the lab created was removed/);
  assert.deepEqual(podsOf(lab.prefix), []);
  if (iptables)
    assert.deepEqual(
      listChainsSync().filter((c) => c.startsWith(`LDLAB${pid}x`)),
      [],
    );
});

test('a lab killed with SIGKILL takes its pods with it; its iptables chains are removed by the next run', {
  skip: process.platform === 'linux' ? false : 'reads /proc',
}, async () => {
  const lab = await startLab(iptables ? ['--proxy', 'iptables'] : []);
  const pid = lab.child.pid as number;
  lab.child.kill('SIGKILL');
  await lab.exited;
  await until(() => podsOf(lab.prefix).length === 0, 5_000, 'the pods to die with the lab');
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
