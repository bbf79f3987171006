import { parseDuration } from 'lameduck/duration';
import type { OptionSpecs, ParsedOptions } from '../args/spec.js';
import { usageError } from '../core/errors.js';
import type { IngressMode, LbMode, ProxyMode } from './network/data-path.js';
import { LUA_MODULES } from './network/nginx.js';
import { type AppLatency, DEFAULT_GRACE_MS, SCENARIOS } from './scenario/builtin.js';
import type { LabSettings } from './scenario/run-scenario.js';
import { mean, parseDistribution } from './spec/distribution.js';
import { DEFAULT_MIX, formatMix, parseMix } from './traffic/mix.js';

/** The flags of `lameduck lab`, documented with their defaults in docs/lab.md. */
export const LAB_OPTIONS = {
  scenario: {
    kind: 'list',
    description: 'Built-in scenarios to run (default: all)',
    choices: SCENARIOS,
    valueName: '<name,...>',
  },
  cmd: {
    kind: 'string',
    description: "Your app's command (split into words, no shell)",
    valueName: '<command>',
  },
  manifest: {
    kind: 'string',
    description: 'Deployment YAML whose replicas, strategy, probes, preStop and grace apply',
    valueName: '<file>',
  },
  replicas: {
    kind: 'integer',
    description: 'Pods per Deployment (default: manifest, else 3)',
    min: 1,
    max: 50,
    valueName: '<n>',
  },
  rate: {
    kind: 'number',
    description: 'Requests per second sent to the front of the data path, all clients together',
    default: 200,
    min: 1,
    valueName: '<n>',
  },
  rollouts: {
    kind: 'integer',
    description: 'Consecutive rolling updates per scenario',
    default: 1,
    min: 1,
    max: 100,
    valueName: '<n>',
  },
  proxy: {
    kind: 'enum',
    description: 'Service data path: kernel iptables DNAT (root), or userspace TCP proxies',
    choices: ['auto', 'iptables', 'userspace'],
    default: 'auto',
  },
  ingress: {
    kind: 'enum',
    description: 'An HTTP ingress in front of the pods: real nginx or haproxy, or a built-in one',
    choices: ['off', 'builtin', 'nginx', 'nginx-reload', 'haproxy'],
    default: 'off',
  },
  lb: {
    kind: 'enum',
    description: 'A cloud load balancer in front of the pods (client connections pinned to a pod)',
    choices: ['off', 'cloud'],
    default: 'off',
  },
  lbDrain: {
    kind: 'string',
    description: "The load balancer's connection draining (deregistration delay), or off",
    default: 'off',
    valueName: '<duration>',
  },
  propagation: {
    kind: 'string',
    description: 'Delay before each proxy, ingress and load balancer learns of an endpoint change',
    default: 'uniform:100ms..1.5s',
    valueName: '<distribution>',
  },
  nodes: {
    kind: 'integer',
    description: 'Proxies (nodes), each with its own delay',
    default: 3,
    min: 1,
    max: 16,
    valueName: '<n>',
  },
  clients: {
    kind: 'string',
    description: 'The client mix: keep-alive GETs, POSTs, a connection per request, HTTP/2',
    default: DEFAULT_MIX,
    valueName: '<kind:weight,...>',
  },
  connections: {
    kind: 'string',
    description: "Connections per client kind's pool; auto sizes it from rate × latency",
    default: 'auto',
    valueName: '<n>',
  },
  postBytes: {
    kind: 'integer',
    description: 'Bytes in the body of each POST',
    default: 2048,
    min: 0,
    max: 1_048_576,
    valueName: '<n>',
  },
  latency: {
    kind: 'string',
    description: "The built-in demo app's latency per request",
    default: 'exp:20ms..500ms',
    valueName: '<distribution>',
  },
  slow: {
    kind: 'string',
    description: 'Share of requests that take --slow-latency instead (the long tail)',
    default: '1%',
    valueName: '<percent>',
  },
  slowLatency: {
    kind: 'string',
    description: 'Latency of the slow requests: longer than the drain delay',
    default: 'uniform:2.5s..3.5s',
    valueName: '<distribution>',
  },
  port: {
    kind: 'integer',
    description: "Port the pods listen on (each on its own address); wins over the manifest's",
    default: 8080,
    min: 1,
    max: 65_534,
    valueName: '<n>',
  },
  pidNamespace: {
    kind: 'enum',
    description: 'One PID namespace per pod (needs root on Linux)',
    choices: ['auto', 'on', 'off'],
    default: 'auto',
  },
  rolloutTimeout: {
    kind: 'duration',
    description: 'A rollout not done by then is reported as stalled',
    default: 60_000,
    min: 1,
    valueName: '<duration>',
  },
  parallel: {
    kind: 'integer',
    description: 'Scenarios run at once, each on its own addresses (a sweep runs one at a time)',
    default: 2,
    min: 1,
    max: 8,
    valueName: '<n>',
  },
  sweep: {
    kind: 'string',
    description: 'Run one scenario across a range: drain-delay, prestop or propagation',
    valueName: '<param>=<from>..<to>[:<step>]',
  },
  quick: {
    kind: 'boolean',
    description: 'Small and fast (CI): 2 replicas, 100 rps, uniform:50ms..500ms, 5 s grace',
  },
  json: {
    kind: 'string',
    description: 'Write the results as JSON to this file (- for standard output)',
    valueName: '<file>',
  },
  html: {
    kind: 'string',
    description: 'Write a self-contained HTML report to this file (- for standard output)',
    valueName: '<file>',
  },
} as const satisfies OptionSpecs;

/** What `--quick` changes (flags given explicitly still win). */
export const QUICK = {
  replicas: 2,
  rate: 100,
  propagation: 'uniform:50ms..500ms',
  slowLatency: 'uniform:1.6s..2.2s',
  settleMs: 500,
  graceMs: 5_000,
} as const;

/** The mean latency assumed for your own app (the pool is sized from it). */
const USER_APP_MEAN_LATENCY_MS = 100;

export type LabOptions = ParsedOptions<typeof LAB_OPTIONS>;

/** What the machine allows the lab to do. */
export interface HostCapabilities {
  /** Root on Linux: kernel NAT rules and PID namespaces. */
  readonly privileged: boolean;
  /** Whether a command is installed (iptables-restore, nginx, haproxy). */
  readonly has: (command: string) => boolean;
}

/** The flags after defaults and `--quick`, validated: what every component of the run receives. */
export interface ResolvedLab {
  readonly settings: LabSettings;
  /** `--replicas` (or `--quick`'s); undefined: the manifest's, else the scenario's. */
  readonly replicas: number | undefined;
  /** terminationGracePeriodSeconds of the built-in scenarios, in ms. */
  readonly graceMs: number;
  /** The built-in demo app's latency. */
  readonly latency: AppLatency;
  /** `--lb-drain` when given explicitly (the built-in keepalive-lb-drain otherwise sizes its own). */
  readonly lbDrainMs: number | undefined;
  /** What the lab cannot model on this machine, for the report. */
  readonly limitations: readonly string[];
  /** One-line notices for the start of the run (the data path chosen for you). */
  readonly notices: readonly string[];
  /** The settings as the JSON and HTML reports show them. */
  readonly record: Readonly<Record<string, unknown>>;
}

/** `1%`, `0.5%` → 0.01, 0.005 */
function parsePercent(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  const value = m ? Number(m[1]) / 100 : Number.NaN;
  if (!(value >= 0 && value <= 1)) {
    throw usageError(
      `lameduck lab: ${flag} expects a percentage from 0% to 100%, e.g. 1%, received "${text}"`,
    );
  }
  return value;
}

/** `off` → undefined; a duration → ms. */
export function parseDrain(text: string, flag = '--lb-drain'): number | undefined {
  if (text.trim() === 'off') return undefined;
  try {
    const ms = parseDuration(text, flag);
    if (ms > 0) return ms;
  } catch {}
  throw usageError(
    `lameduck lab: ${flag} expects a duration such as 30s, or off, received "${text}"`,
  );
}

/**
 * Flags → one validated settings object. Flags given explicitly win over `--quick`.
 *
 * @throws {LameduckError} a usage error (exit 2) for a flag this machine cannot honour or a bad
 * value.
 */
export function resolveLab(
  options: LabOptions,
  given: ReadonlySet<string>,
  host: HostCapabilities,
  userApp = false,
): ResolvedLab {
  const notices: string[] = [];
  const { proxy, ingress, lb } = resolveDataPath(options, host, notices);
  const lbDrainMs = parseDrain(options.lbDrain);
  if (options.pidNamespace === 'on' && !host.privileged) {
    throw usageError('lameduck lab: --pid-namespace on needs root on Linux; use auto or off.');
  }
  const quick = options.quick;
  const pick = <K extends keyof typeof QUICK>(key: K, flag: string, value: string | number) =>
    given.has(flag) || !quick ? value : QUICK[key];
  const propagationText = String(pick('propagation', 'propagation', options.propagation));
  const propagation = parseDistribution(propagationText);
  const rate = Number(pick('rate', 'rate', options.rate));
  const latency: AppLatency = {
    base: options.latency,
    slowShare: parsePercent(options.slow, '--slow'),
    slow: String(pick('slowLatency', 'slowLatency', options.slowLatency)),
  };
  const base = parseDistribution(latency.base, '--latency');
  const slow = parseDistribution(latency.slow, '--slow-latency');
  const mix = parseMix(options.clients);
  const connections = parseConnections(options.connections);
  const pidNamespace =
    options.pidNamespace === 'on' || (options.pidNamespace === 'auto' && host.privileged);
  const meanLatencyMs = userApp
    ? USER_APP_MEAN_LATENCY_MS
    : (1 - latency.slowShare) * mean(base) + latency.slowShare * mean(slow);
  const settings: LabSettings = {
    traffic: { rate, mix, connections, postBytes: options.postBytes, meanLatencyMs },
    network: { proxy, ingress, lb, lbDrainMs, nodes: options.nodes, propagation },
    kubelet: { pidNamespace },
    rollout: {
      rollouts: options.rollouts,
      rolloutTimeoutMs: options.rolloutTimeout,
      settleMs: quick ? QUICK.settleMs : 1_000,
    },
  };
  const graceMs = quick ? QUICK.graceMs : DEFAULT_GRACE_MS;
  return {
    settings,
    replicas: options.replicas ?? (quick ? QUICK.replicas : undefined),
    graceMs,
    latency,
    lbDrainMs: given.has('lbDrain') ? lbDrainMs : undefined,
    limitations: pidNamespace
      ? []
      : [
          'no PID namespace (needs root on Linux): a shell as PID 1 dies on SIGTERM instead of ignoring it; the pod is SIGKILLed when its main process exits',
        ],
    notices,
    record: {
      rate,
      rollouts: options.rollouts,
      nodes: options.nodes,
      propagation: propagationText,
      clients: formatMix(mix),
      connections: options.connections,
      postBytes: options.postBytes,
      latency: latency.base,
      slow: options.slow,
      slowLatency: latency.slow,
      proxy,
      ingress,
      lb,
      lbDrain: options.lbDrain,
      pidNamespace,
      rolloutTimeoutMs: options.rolloutTimeout,
      settleMs: settings.rollout.settleMs,
      quick,
    },
  };
}

/** `--proxy`, `--ingress` and `--lb`, checked against what this machine has. */
function resolveDataPath(
  options: LabOptions,
  host: HostCapabilities,
  notices: string[],
): { proxy: ProxyMode; ingress: IngressMode; lb: LbMode } {
  const canIptables = host.privileged && host.has('iptables-restore');
  if (options.proxy === 'iptables' && !host.privileged) {
    throw usageError(
      'lameduck lab: --proxy iptables needs root on Linux (it programs kernel NAT rules); received it as a non-root user. Use --proxy userspace or run as root.',
    );
  }
  if (options.proxy === 'iptables' && !canIptables) {
    throw usageError(
      'lameduck lab: --proxy iptables needs iptables-restore, which is not installed (Debian: apt-get install iptables).',
    );
  }
  const proxy: ProxyMode =
    options.proxy === 'auto' ? (canIptables ? 'iptables' : 'userspace') : options.proxy;
  if (options.proxy === 'auto' && proxy === 'userspace') {
    notices.push(
      `userspace proxy: kernel iptables rules need ${host.privileged ? 'iptables-restore' : 'root'}; refused connections show as reset in this mode`,
    );
  }
  const ingress = options.ingress as IngressMode;
  const server = ingress === 'nginx-reload' ? 'nginx' : ingress;
  if ((server === 'nginx' || server === 'haproxy') && !host.has(server)) {
    throw usageError(
      `lameduck lab: --ingress ${ingress} runs the real ${server}, which is not installed (Debian: apt-get install ${server}; npm run system-deps installs it as root). Use --ingress builtin to run without it.`,
    );
  }
  if (ingress === 'nginx' && !LUA_MODULES.every((m) => host.has(m))) {
    throw usageError(
      `lameduck lab: --ingress nginx applies endpoints as ingress-nginx does, through nginx's Lua module, which is not installed (Debian: apt-get install libnginx-mod-http-lua lua-resty-core). --ingress nginx-reload needs no module.`,
    );
  }
  const lb = options.lb as LbMode;
  if (lb === 'cloud' && ingress !== 'off') {
    throw usageError(
      `lameduck lab: --lb cloud and --ingress ${ingress} both stand in front of the pods; choose one`,
    );
  }
  return { proxy, ingress, lb };
}

function parseConnections(text: string): number | 'auto' {
  if (text.trim() === 'auto') return 'auto';
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw usageError(
      `lameduck lab: --connections expects auto or a whole number >= 1, received "${text}"`,
    );
  }
  return n;
}
