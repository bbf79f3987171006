import { type AddressBlock, claimBlock } from './addresses.js';
import type { Clock } from './clock.js';
import type { Distribution } from './distribution.js';
import { EndpointController, type EndpointSnapshot, type EndpointView } from './endpoints.js';
import type { EventLog } from './events.js';
import { Pod } from './pod.js';
import type { PodTemplate } from './template.js';
import { UserspaceProxy } from './userspace-proxy.js';

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
  readonly proxy: UserspaceProxy;
  readonly pods = new Set<Pod>();
  readonly #o: ClusterOptions;
  #counter = 0;

  private constructor(
    options: ClusterOptions,
    block: AddressBlock,
    endpoints: EndpointController,
    views: EndpointView[],
    proxy: UserspaceProxy,
  ) {
    this.#o = options;
    this.block = block;
    this.endpoints = endpoints;
    this.views = views;
    this.proxy = proxy;
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
      (b) => UserspaceProxy.listen({ host: b.service, port: options.port, nodes: views }),
      options.random,
    );
    return new Cluster(options, block, endpoints, views, claimed);
  }

  get serviceUrl(): string {
    return `http://${this.block.service}:${this.proxy.port}/`;
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
    await this.proxy.close();
    await Promise.all([...this.pods].map((p) => p.terminated));
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
