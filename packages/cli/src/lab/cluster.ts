import { type AddressBlock, claimBlock } from './addresses.js';
import type { Clock } from './clock.js';
import type { Distribution } from './distribution.js';
import { EndpointController, type EndpointSnapshot, type EndpointView } from './endpoints.js';
import type { EventLog } from './events.js';
import { Ingress } from './ingress.js';
import { IptablesProxy } from './iptables-proxy.js';
import { Pod } from './pod.js';
import type { PodTemplate } from './template.js';
import { UserspaceProxy } from './userspace-proxy.js';

export type ProxyMode = 'userspace' | 'iptables';
export type IngressMode = 'off' | 'builtin';

interface DataPath {
  close(): Promise<void>;
  closeSync?(): void;
}

export interface ClusterOptions {
  /** How many nodes (kube-proxies), each with its own view of the endpoints. */
  readonly nodes: number;
  readonly propagation: Distribution;
  readonly port: number;
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly pidNamespace: boolean;
  readonly clock: Clock;
  readonly log: EventLog;
  readonly random?: () => number;
  /** Called on every pod update (the deployment controller wakes up). */
  readonly onPodUpdate?: (pod: Pod) => void;
  readonly proxy: ProxyMode;
  readonly ingress: IngressMode;
  /** iptables chain prefix, unique per lab run (contains the lab's pid). */
  readonly chainPrefix: string;
}

/**
 * The pieces every scenario shares: an address block, the endpoint controller, one endpoint view per
 * node, the Service's data path, and the pods (created by the deployment controller through
 * `createPod`). `close()` removes every process and socket it created.
 */
export class Cluster {
  readonly block: AddressBlock;
  readonly endpoints: EndpointController;
  readonly views: readonly EndpointView[];
  readonly pods = new Set<Pod>();
  readonly #o: ClusterOptions;
  readonly #closers: DataPath[] = [];
  #serviceUrl = '';
  #counter = 0;

  private constructor(
    options: ClusterOptions,
    block: AddressBlock,
    endpoints: EndpointController,
    views: EndpointView[],
  ) {
    this.#o = options;
    this.block = block;
    this.endpoints = endpoints;
    this.views = views;
  }

  static async start(options: ClusterOptions): Promise<Cluster> {
    const endpoints = new EndpointController();
    const seen = new Map<string, Set<string>>();
    const views = Array.from({ length: options.nodes }, (_, i) => {
      const name = `node-${i + 1}`;
      seen.set(name, new Set());
      return endpoints.watch({
        name,
        propagation: options.propagation,
        clock: options.clock,
        ...(options.random ? { random: options.random } : {}),
        onSync: (snapshot, delay) => recordSync(options.log, name, seen, snapshot, delay),
      });
    });
    const { block, claimed } = await claimBlock(
      (b) =>
        options.proxy === 'userspace'
          ? UserspaceProxy.listen({ host: b.service, port: options.port, nodes: views })
          : UserspaceProxy.listen({ host: b.service, port: options.port, nodes: [] }),
      options.random,
    );
    const cluster = new Cluster(options, block, endpoints, views);
    cluster.#closers.push(claimed);
    cluster.#serviceUrl = `http://${block.service}:${options.port}/`;
    try {
      if (options.proxy === 'iptables') {
        const prefix = options.chainPrefix;
        const proxy = await IptablesProxy.start({
          host: block.service,
          port: options.port,
          nodes: views,
          prefix,
        });
        cluster.#closers.push(proxy);
      }
      if (options.ingress === 'builtin') {
        const view = endpoints.watch({
          name: 'ingress',
          propagation: options.propagation,
          clock: options.clock,
          ...(options.random ? { random: options.random } : {}),
          onSync: (snapshot, delay) => recordSync(options.log, 'ingress', seen, snapshot, delay),
        });
        seen.set('ingress', new Set());
        const ingress = await Ingress.listen({
          host: `${block.prefix}.2`,
          port: options.port,
          view,
        });
        cluster.#closers.push(ingress);
        cluster.#serviceUrl = ingress.url;
      }
    } catch (error) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }

  /** Where the load goes: the ingress when there is one, else the Service address. */
  get serviceUrl(): string {
    return this.#serviceUrl;
  }

  createPod(template: PodTemplate, revision: number): Pod {
    const host = this.block.allocate();
    const o = this.#o;
    const pod = new Pod({
      name: `web-v${revision}-${++this.#counter}`,
      revision,
      host,
      template,
      baseEnv: o.baseEnv,
      cwd: o.cwd,
      pidNamespace: o.pidNamespace,
      clock: o.clock,
      log: o.log,
      onUpdate: (p) => {
        this.#publish(p);
        if (p.phase === 'terminated') {
          this.block.release(host);
          this.pods.delete(p);
        }
        o.onPodUpdate?.(p);
      },
    });
    this.pods.add(pod);
    return pod;
  }

  /** Pods leave the Service's endpoints as soon as they are deleted (ready: false, terminating). */
  #publish(pod: Pod): void {
    if (pod.phase === 'terminated') {
      this.endpoints.set({ pod: pod.name, removed: true });
      return;
    }
    const terminating = pod.phase === 'terminating';
    this.endpoints.set({
      pod: pod.name,
      host: pod.host,
      port: pod.template.port,
      ready: pod.ready && !terminating,
      serving: pod.ready,
      terminating,
    });
  }

  async close(): Promise<void> {
    for (const pod of this.pods) pod.destroy();
    this.endpoints.close();
    for (const closer of this.#closers.reverse()) await closer.close();
    this.#closers.length = 0;
    await Promise.all([...this.pods].map((p) => p.terminated));
  }

  /** Last-resort cleanup from a process-exit handler: SIGKILL every pod, remove kernel rules. */
  closeSync(): void {
    for (const pod of this.pods) pod.destroy();
    for (const closer of this.#closers) closer.closeSync?.();
  }
}

function recordSync(
  log: EventLog,
  node: string,
  seen: Map<string, Set<string>>,
  snapshot: EndpointSnapshot,
  delay: number,
): void {
  const known = seen.get(node);
  for (const endpoint of snapshot.endpoints) {
    if (!endpoint.terminating || known?.has(endpoint.pod)) continue;
    known?.add(endpoint.pod);
    log.record(
      endpoint.pod,
      'proxy-synced',
      `${node} stopped routing to it after ${Math.round(delay)} ms`,
    );
  }
}
