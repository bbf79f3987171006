import type { Clock } from '../../core/clock.js';
import type { EndpointView } from '../control-plane/endpoints.js';
import type { PodAddresses } from '../kubelet/kubelet.js';
import type { Distribution } from '../spec/distribution.js';
import { claimBlock } from './addresses.js';
import { CloudLbProcess } from './cloud-lb-server.js';
import { Haproxy } from './haproxy.js';
import { Ingress } from './ingress.js';
import { IptablesProxy } from './iptables-proxy.js';
import { Nginx } from './nginx.js';
import { UserspaceProxy } from './userspace-proxy.js';

export type ProxyMode = 'userspace' | 'iptables';
export type IngressMode = 'off' | 'builtin' | 'nginx' | 'nginx-reload' | 'haproxy';
export type LbMode = 'off' | 'cloud';

/** The network's part of the lab's settings. */
export interface NetworkSettings {
  readonly proxy: ProxyMode;
  readonly ingress: IngressMode;
  /** A cloud load balancer in front of the pods (client connections pinned to a backend). */
  readonly lb: LbMode;
  /** The load balancer's connection draining in ms; undefined: off. */
  readonly lbDrainMs: number | undefined;
  /** How many nodes (kube-proxies), each with its own view of the endpoints. */
  readonly nodes: number;
  /** Delay before each proxy, the ingress and the load balancer learn of an endpoint change. */
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
  readonly clock: Clock;
  /** nginx and haproxy run in a PID namespace of their own (root on Linux). */
  readonly pidNamespace: boolean;
  /** Environment of nginx and haproxy (PATH). */
  readonly env: Readonly<Record<string, string>>;
}

/** The Service's data path of one scenario: what the load talks to, and how to remove it. */
export interface DataPath {
  /** Where pods get their addresses; a deleted pod's address leads nowhere until it is reused. */
  readonly addresses: PodAddresses;
  /** The Service address (`127.a.b.1:<port>`). */
  readonly service: string;
  /** Where the load goes: the load balancer or ingress when there is one, else the Service. */
  readonly url: string;
  /** Where HTTP/2 clients go (h2c with prior knowledge), when the front end speaks it. */
  readonly http2Url: string | undefined;
  /** `nginx → pods`, `iptables`, … for the report. */
  readonly description: string;
  close(): Promise<void>;
  /** Last-resort cleanup from a process-exit handler (kernel rules, child processes). */
  closeSync(): void;
}

interface Part {
  close(): Promise<void>;
  closeSync?(): void;
}

/** Describes a data path in a few words, for reports. */
export function describeDataPath(
  s: Pick<NetworkSettings, 'proxy' | 'ingress' | 'lb' | 'lbDrainMs'>,
): string {
  if (s.lb === 'cloud')
    return `cloud LB (draining ${s.lbDrainMs === undefined ? 'off' : `${s.lbDrainMs / 1000} s`})`;
  if (s.ingress !== 'off') return `${s.ingress} ingress`;
  return `${s.proxy} proxy`;
}

/**
 * Claims an address block by binding the Service address, and builds the Service's data path on it:
 * one endpoint view per node, the userspace proxy or kube-proxy's iptables rules, and in front of
 * the pods the ingress (builtin, nginx, haproxy) or the cloud load balancer, each with its own view.
 */
export async function startDataPath(
  settings: NetworkSettings,
  o: DataPathOptions,
): Promise<DataPath> {
  const views = Array.from({ length: settings.nodes }, (_, i) => o.watch(`node-${i + 1}`));
  const gone = new Set<string>();
  const { block, claimed } = await claimBlock(
    (b) =>
      UserspaceProxy.listen({
        host: b.service,
        port: o.port,
        // With iptables the kernel answers first; the bound address only claims the block.
        nodes: settings.proxy === 'userspace' ? views : [],
        gone: (address) => gone.has(address),
      }),
    o.random,
  );
  const parts: Part[] = [claimed];
  let url = `http://${block.service}:${o.port}/`;
  let http2Url: string | undefined;
  let iptables: IptablesProxy | undefined;
  const close = async () => {
    for (const part of parts.reverse()) await part.close();
    parts.length = 0;
  };
  const front = { host: `${block.prefix}.2`, port: o.port };
  const server = { pidNamespace: o.pidNamespace, env: o.env, clock: o.clock };
  try {
    if (settings.proxy === 'iptables') {
      iptables = await IptablesProxy.start({
        host: block.service,
        port: o.port,
        nodes: views,
        prefix: o.chainPrefix,
        podNetwork: block.cidr,
      });
      parts.push(iptables);
    }
    if (settings.lb === 'cloud') {
      const lb = await CloudLbProcess.start({
        ...front,
        ...server,
        view: o.watch('lb'),
        drainMs: settings.lbDrainMs,
      });
      parts.push(lb);
      url = lb.url;
    } else if (settings.ingress === 'builtin') {
      const ingress = await Ingress.listen({ ...front, view: o.watch('ingress') });
      parts.push(ingress);
      url = ingress.url;
    } else if (settings.ingress === 'nginx' || settings.ingress === 'nginx-reload') {
      const mode = settings.ingress === 'nginx' ? 'lua' : 'reload';
      const nginx = await Nginx.start({ ...front, ...server, mode, view: o.watch('ingress') });
      parts.push(nginx);
      url = nginx.url;
      http2Url = nginx.http2Url;
    } else if (settings.ingress === 'haproxy') {
      const haproxy = await Haproxy.start({ ...front, ...server, view: o.watch('ingress') });
      parts.push(haproxy);
      url = haproxy.url;
      http2Url = haproxy.url;
    }
  } catch (error) {
    await close();
    throw error;
  }
  const proxy = iptables;
  return {
    addresses: {
      allocate() {
        const address = block.allocate();
        gone.delete(address);
        proxy?.addressGone(address, false);
        return address;
      },
      release(address) {
        gone.add(address);
        proxy?.addressGone(address, true);
        block.release(address);
      },
    },
    service: `${block.service}:${o.port}`,
    url,
    http2Url,
    description: describeDataPath(settings),
    close,
    closeSync() {
      for (const part of parts) part.closeSync?.();
    },
  };
}
