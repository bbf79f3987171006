import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { listChainsSync } from '../../src/lab/network/iptables-proxy.ts';
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

/**
 * Starts a lab (inside `wrap`, e.g. `ip netns exec NAME`, which execs it: same pid), waits until its
 * first rolling update runs, and returns the child and its block.
 */
async function startLab(
  args: string[],
  options: {
    readonly wrap?: readonly string[] | undefined;
    readonly env?: Record<string, string>;
  } = {},
) {
  const [command = process.execPath, ...wrapArgs] = options.wrap ?? [];
  const lab = [bin, 'lab', '--quick', '--scenario', 'naive', ...args];
  const child = spawn(command, options.wrap ? [...wrapArgs, process.execPath, ...lab] : lab, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
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

/**
 * A network namespace and a temp folder of the test's own. Every lab removes at start-up what dead
 * labs left behind (iptables chains, server folders): a lab that another test file starts meanwhile
 * would tidy up after the killed one before this test could look. In a namespace of its own the killed
 * lab's chains are seen by nobody else; in a temp folder of its own, its server folder too.
 */
async function isolated(fn: (place: Place) => Promise<void>): Promise<void> {
  const netns = isRoot && hasCommand('ip');
  removeStaleIsolation(netns);
  const tmp = mkdtempSync(join(tmpdir(), `lameduck-cleanup-${process.pid}-`));
  const ns = netns ? `lameduck-cleanup-${process.pid}` : undefined;
  try {
    if (ns) {
      execFileSync('ip', ['netns', 'add', ns]);
      execFileSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    }
    const inside = (command: string[]) => (ns ? ['ip', 'netns', 'exec', ns, ...command] : command);
    await fn({ tmp, ns, inside });
  } finally {
    if (ns) execFileSync('ip', ['netns', 'del', ns]);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** What an earlier run of this test left when it was killed before its `finally` (its pid is gone). */
function removeStaleIsolation(netns: boolean): void {
  const stale = (name: string) => {
    const pid = /^lameduck-cleanup-(\d+)/.exec(name)?.[1];
    return pid !== undefined && !existsSync(`/proc/${pid}`);
  };
  for (const name of readdirSync(tmpdir()).filter(stale)) {
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
  if (!netns) return;
  const names = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '');
  for (const name of names.filter(stale)) execFileSync('ip', ['netns', 'del', name]);
}

interface Place {
  readonly tmp: string;
  /** The namespace, when there is one (as root with iproute2). */
  readonly ns: string | undefined;
  /** The command as run inside the namespace. */
  readonly inside: (command: string[]) => string[];
}

/** The chains of the lab with this pid, as `iptables-save` lists them where `place` runs it. */
function chainsOf(place: Place, labPid: number): string[] {
  const [command, ...args] = place.inside(['iptables-save']);
  return ['nat', 'filter'].flatMap((table) =>
    execFileSync(command as string, [...args, '-t', table], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.startsWith(`:LDLAB${labPid}x`))
      .map((line) => line.slice(1).split(' ')[0] as string),
  );
}

/** removeStaleChains run where `place` runs commands: the lab with this pid counts as dead. */
function removeStaleChainsIn(place: Place, labPid: number): string[] {
  const module = new URL('../../src/lab/network/iptables-proxy.ts', import.meta.url).href;
  const code = `const { removeStaleChains } = await import(${JSON.stringify(module)});
process.stdout.write(JSON.stringify(await removeStaleChains((p) => p !== ${labPid})));`;
  const [command, ...args] = place.inside([
    process.execPath,
    '--import',
    'tsx',
    '--input-type=module',
    '-e',
    code,
  ]);
  return JSON.parse(execFileSync(command as string, args, { encoding: 'utf8' })) as string[];
}

test('a lab killed with SIGKILL takes its pods and nginx with it; its iptables chains and folders are removed by the next run', {
  skip: process.platform === 'linux' ? false : 'reads /proc',
}, async () => {
  const nginx = hasCommand('nginx') && isRoot;
  await isolated(async (place) => {
    const chains = iptables && place.ns !== undefined;
    const lab = await startLab(
      [...(chains ? ['--proxy', 'iptables'] : []), ...(nginx ? ['--ingress', 'nginx-reload'] : [])],
      { wrap: place.ns ? place.inside([]) : undefined, env: { TMPDIR: place.tmp } },
    );
    const pid = lab.child.pid as number;
    const folders = () =>
      readdirSync(place.tmp).filter((n) => n.startsWith(`lameduck-lab-${pid}-`));
    if (nginx) assert.ok(serversOf(pid).length > 0, 'nginx is running');
    if (chains) assert.ok(chainsOf(place, pid).length > 0, 'the lab made its chains');
    lab.child.kill('SIGKILL');
    await lab.exited;
    await until(() => podsOf(lab.prefix).length === 0, 5_000, 'the pods to die with the lab');
    // Its own PID namespace as root: the master and its workers die with the lab.
    if (nginx) await until(() => serversOf(pid).length === 0, 5_000, 'nginx to die with the lab');
    if (nginx) {
      assert.equal(folders().length, 1, 'a SIGKILLed lab cannot remove its folder');
      assert.ok(
        removeStaleServerDirs((p) => p !== pid, place.tmp).some((n) =>
          n.startsWith(`lameduck-lab-${pid}-`),
        ),
      );
      assert.deepEqual(folders(), []);
    }
    if (chains) {
      const left = chainsOf(place, pid);
      assert.ok(left.length > 0, 'chains outlive a SIGKILL');
      const removed = removeStaleChainsIn(place, pid);
      assert.ok(
        removed.some((c) => c.startsWith(`LDLAB${pid}x`)),
        removed.join(', '),
      );
      assert.deepEqual(chainsOf(place, pid), []);
    }
  });
});
