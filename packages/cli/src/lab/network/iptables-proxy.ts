import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { EndpointView } from '../control-plane/endpoints.js';
import { LabError } from '../errors.js';

export interface IptablesProxyOptions {
  /** The Service's virtual address and port (a loopback address nobody serves on). */
  readonly host: string;
  readonly port: number;
  readonly nodes: readonly EndpointView[];
  /** Unique chain prefix; contains the owning pid so leftovers of a dead lab can be found. */
  readonly prefix: string;
  /** The run's pod addresses (`127.a.b.0/24`): packets to a deleted pod's address are dropped. */
  readonly podNetwork: string;
}

const run = promisify(execFile);
/** Chains of a lab run: LDLAB<pid>x<n>-SVC and LDLAB<pid>x<n>-N<k> (nat), LDLAB<pid>x<n>-GONE (filter). */
const CHAIN = /^:(LDLAB(\d+)x\d+-(?:SVC|N\d+|GONE))\b/gm;

/**
 * The Service data path as kube-proxy's iptables mode builds it, in the kernel: a jump from nat OUTPUT
 * for the Service address, a chain that spreads NEW connections over the nodes with
 * `-m statistic --mode random`, and one chain per node with its own endpoint view, DNATing with the
 * same statistic-mode balancing. Conntrack is the kernel's: established connections keep their
 * translation whatever the rules say later. A node without endpoints DNATs to a closed port (the
 * client sees "connection refused", as with kube-proxy's REJECT rule).
 */
export class IptablesProxy {
  readonly #o: IptablesProxyOptions;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  readonly #gone = new Set<string>();

  private constructor(options: IptablesProxyOptions) {
    this.#o = options;
  }

  static async start(options: IptablesProxyOptions): Promise<IptablesProxy> {
    const proxy = new IptablesProxy(options);
    const { prefix, nodes, host, port } = options;
    // Each chain is declared once: in a `--noflush` batch a declaration flushes the chain, and
    // a second one of the same new chain fails when another lab's batch runs at the same time.
    const lines = ['*nat', `:${prefix}-SVC - [0:0]`];
    for (let i = 0; i < nodes.length; i++) lines.push(...proxy.#nodeRules(i));
    lines.push(
      ...spread(
        `${prefix}-SVC`,
        nodes.map((_, i) => ['-j', `${prefix}-N${i + 1}`]),
      ),
    );
    lines.push(`-A OUTPUT -d ${host}/32 -p tcp --dport ${port} -j ${prefix}-SVC`, 'COMMIT');
    lines.push(
      '*filter',
      `:${prefix}-GONE - [0:0]`,
      `-A OUTPUT -d ${options.podNetwork} -p tcp -j ${prefix}-GONE`,
      'COMMIT',
    );
    await restore(lines);
    nodes.forEach((node, i) => {
      node.onChange(() => {
        proxy.#queue = proxy.#queue.then(() =>
          proxy.#closed ? undefined : restore(['*nat', ...proxy.#nodeRules(i), 'COMMIT']),
        );
      });
    });
    return proxy;
  }

  /** Declaring a chain in `iptables-restore --noflush` flushes it: each rewrite is atomic. */
  #nodeRules(index: number): string[] {
    const { prefix, nodes, host } = this.#o;
    const chain = `${prefix}-N${index + 1}`;
    const endpoints = nodes[index]?.usable() ?? [];
    const targets = endpoints.map((e) => [
      '-p',
      'tcp',
      '-j',
      'DNAT',
      '--to-destination',
      `${e.host}:${e.port}`,
    ]);
    if (targets.length === 0)
      targets.push(['-p', 'tcp', '-j', 'DNAT', '--to-destination', `${host}:1`]);
    return [`:${chain} - [0:0]`, ...spread(chain, targets)];
  }

  /**
   * A pod is gone: in a cluster its address no longer exists, and a proxy that still routes to it
   * sends packets into the void (the connection times out) instead of getting a reset. The lab drops
   * them, until the address is given to a new pod.
   */
  addressGone(address: string, gone: boolean): void {
    if (gone === this.#gone.has(address)) return;
    if (gone) this.#gone.add(address);
    else this.#gone.delete(address);
    const chain = `${this.#o.prefix}-GONE`;
    const rules = [...this.#gone].map((a) => `-A ${chain} -d ${a}/32 -p tcp -j DROP`);
    this.#queue = this.#queue.then(() =>
      this.#closed ? undefined : restore(['*filter', `:${chain} - [0:0]`, ...rules, 'COMMIT']),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue.catch(() => {});
    removeChainsSync(this.#o.prefix);
  }

  /** Synchronous removal for process-exit handlers. */
  closeSync(): void {
    this.#closed = true;
    removeChainsSync(this.#o.prefix);
  }
}

/** kube-proxy's balancing: rule i of n matches with probability 1/(n-i); the last always matches. */
function spread(chain: string, targets: readonly (readonly string[])[]): string[] {
  return targets.map((target, i) => {
    const left = targets.length - i;
    const statistic =
      left > 1 ? `-m statistic --mode random --probability ${(1 / left).toFixed(10)} ` : '';
    return `-A ${chain} ${statistic}${target.join(' ')}`;
  });
}

async function restore(lines: readonly string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('iptables-restore', ['--noflush', '--wait'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', (error) =>
      reject(
        new LabError(
          'ERR_LAMEDUCK_LAB_IPTABLES',
          `iptables-restore failed to start: ${error.message}`,
          1,
        ),
      ),
    );
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new LabError(
              'ERR_LAMEDUCK_LAB_IPTABLES',
              `iptables-restore exited ${code}: ${stderr.trim()}`,
              1,
            ),
          ),
    );
    child.stdin.end(`${lines.join('\n')}\n`);
  });
}

/** Removes the OUTPUT jumps and every chain of the prefix (nat and filter). Ignores what is gone. */
export function removeChainsSync(prefix: string): void {
  for (const table of ['nat', 'filter']) {
    let rules = '';
    try {
      rules = execFileSync('iptables-save', ['-t', table], { encoding: 'utf8' });
    } catch {
      continue;
    }
    const jumps = rules
      .split('\n')
      .filter((l) => l.startsWith('-A OUTPUT ') && new RegExp(` -j ${prefix}-[A-Z0-9]+$`).test(l))
      .map((l) => l.replace(/^-A /, '-D '));
    const chains = [...rules.matchAll(CHAIN)]
      .map((m) => m[1] as string)
      .filter((c) => c.startsWith(`${prefix}-`));
    if (jumps.length === 0 && chains.length === 0) continue;
    const script = [
      `*${table}`,
      ...jumps,
      ...chains.map((c) => `-F ${c}`),
      ...chains.map((c) => `-X ${c}`),
      'COMMIT',
      '',
    ];
    try {
      execFileSync('iptables-restore', ['--noflush', '--wait'], { input: script.join('\n') });
    } catch {}
  }
}

/** Removes the chains of labs whose process no longer exists (a lab killed with SIGKILL). */
export async function removeStaleChains(isAlive: (pid: number) => boolean): Promise<string[]> {
  const { stdout: nat } = await run('iptables-save', ['-t', 'nat']);
  const { stdout: filter } = await run('iptables-save', ['-t', 'filter']);
  const prefixes = new Set<string>();
  for (const m of `${nat}\n${filter}`.matchAll(CHAIN)) {
    if (!isAlive(Number(m[2]))) prefixes.add((m[1] as string).replace(/-(SVC|N\d+|GONE)$/, ''));
  }
  for (const prefix of prefixes) removeChainsSync(prefix);
  return [...prefixes];
}

/** Lists the lab's chains currently in the nat table (for tests and diagnostics). */
export function listChainsSync(): string[] {
  const rules = ['nat', 'filter']
    .map((table) => execFileSync('iptables-save', ['-t', table], { encoding: 'utf8' }))
    .join('\n');
  return [...rules.matchAll(CHAIN)].map((m) => m[1] as string);
}
