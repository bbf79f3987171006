import type { EndpointView } from '../control-plane/endpoints.js';
import type { Distribution } from '../spec/distribution.js';
import { type AddressBlock, claimBlock } from './addresses.js';
import { Ingress } from './ingress.js';
import { IptablesProxy } from './iptables-proxy.js';
import { UserspaceProxy } from './userspace-proxy.js';

export type ProxyMode = 'userspace' | 'iptables';
export type IngressMode = 'off' | 'builtin';

/** The network's part of the lab's settings. */
export interface NetworkSettings {
  readonly proxy: ProxyMode;
  readonly ingress: IngressMode;
  /** How many nodes (kube-proxies), each with its own view of the endpoints. */
  readonly nodes: number;
  /** Delay before each proxy, and the ingress, learns of an endpoint change. */
  readonly propagation: Distribution;
}

export interface DataPathOptions {
  /** The Service port (the pods' container port). */
  readonly port: number;
  /** A view of the endpoints that learns of changes after its own propagation delay. */
  readonly watch: (name: string) => EndpointView;
  /** iptables chain prefix, unique per lab run (contains the lab's pid). */
  readonly chainPrefix: string;
  readonly random?: (() => number) | undefined;
}

/** The Service's data path of one scenario: what the load talks to, and how to remove it. */
export interface DataPath {
  /** The loopback block of the run: the Service on .1, the ingress on .2, pods from .10. */
  readonly block: AddressBlock;
  /** Where the load goes: the ingress when there is one, else the Service address. */
  readonly url: string;
  close(): Promise<void>;
  /** Last-resort cleanup from a process-exit handler (removes kernel rules). */
  closeSync(): void;
}

interface Part {
  close(): Promise<void>;
  closeSync?(): void;
}

/**
 * Claims an address block by binding the Service address, and builds the Service's data path on it:
 * one endpoint view per node, the userspace proxy or kube-proxy's iptables rules, and the ingress.
 */
export async function startDataPath(
  settings: NetworkSettings,
  o: DataPathOptions,
): Promise<DataPath> {
  const views = Array.from({ length: settings.nodes }, (_, i) => o.watch(`node-${i + 1}`));
  const { block, claimed } = await claimBlock(
    (b) =>
      UserspaceProxy.listen({
        host: b.service,
        port: o.port,
        // With iptables the kernel answers first; the bound address only claims the block.
        nodes: settings.proxy === 'userspace' ? views : [],
      }),
    o.random,
  );
  const parts: Part[] = [claimed];
  let url = `http://${block.service}:${o.port}/`;
  const close = async () => {
    for (const part of parts.reverse()) await part.close();
    parts.length = 0;
  };
  try {
    if (settings.proxy === 'iptables') {
      parts.push(
        await IptablesProxy.start({
          host: block.service,
          port: o.port,
          nodes: views,
          prefix: o.chainPrefix,
        }),
      );
    }
    if (settings.ingress === 'builtin') {
      const ingress = await Ingress.listen({
        host: `${block.prefix}.2`,
        port: o.port,
        view: o.watch('ingress'),
      });
      parts.push(ingress);
      url = ingress.url;
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    block,
    url,
    close,
    closeSync() {
      for (const part of parts) part.closeSync?.();
    },
  };
}
