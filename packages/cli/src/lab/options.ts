import type { OptionSpecs, ParsedOptions } from '../args/spec.js';
import { usageError } from '../core/errors.js';
import { DEFAULT_GRACE_MS, SCENARIOS } from './scenario/builtin.js';
import type { LabSettings } from './scenario/run-scenario.js';
import { parseDistribution } from './spec/distribution.js';

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
    description: 'Requests per second sent to the Service',
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
    description: 'Service data path: userspace TCP proxies, or kernel iptables DNAT (root)',
    choices: ['userspace', 'iptables'],
    default: 'userspace',
  },
  ingress: {
    kind: 'enum',
    description: 'An HTTP load balancer with upstream keep-alive in front of the pods',
    choices: ['off', 'builtin'],
    default: 'off',
  },
  propagation: {
    kind: 'string',
    description: 'Delay before each proxy learns of an endpoint change',
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
  connections: {
    kind: 'integer',
    description: 'Load connection pool size',
    default: 32,
    min: 1,
    valueName: '<n>',
  },
  keepalive: {
    kind: 'enum',
    description: 'Keep-alive client connections',
    choices: ['on', 'off'],
    default: 'on',
  },
  latency: {
    kind: 'duration',
    description: 'Per-request latency of the built-in demo app',
    default: 50,
    valueName: '<duration>',
  },
  port: {
    kind: 'integer',
    description: 'Port the pods listen on (each on its own address)',
    default: 8080,
    min: 1,
    max: 65_535,
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
    valueName: '<duration>',
  },
  quick: {
    kind: 'boolean',
    description: 'Small and fast (CI): 2 replicas, 100 rps, uniform:50ms..500ms',
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
  settleMs: 500,
  graceMs: 4_000,
} as const;

export type LabOptions = ParsedOptions<typeof LAB_OPTIONS>;

/** What the machine allows the lab to do. */
export interface HostCapabilities {
  /** Root on Linux: kernel NAT rules and PID namespaces. */
  readonly privileged: boolean;
}

/** The flags after defaults and `--quick`, validated: what every component of the run receives. */
export interface ResolvedLab {
  readonly settings: LabSettings;
  /** `--replicas` (or `--quick`'s); undefined: the manifest's, else the scenario's. */
  readonly replicas: number | undefined;
  /** terminationGracePeriodSeconds of the built-in scenarios, in ms. */
  readonly graceMs: number;
  /** What the lab cannot model on this machine, for the report. */
  readonly limitations: readonly string[];
  /** The settings as the JSON and HTML reports show them. */
  readonly record: Readonly<Record<string, unknown>>;
}

/**
 * Flags → one validated settings object. Flags given explicitly win over `--quick`.
 *
 * @throws {LameduckError} a usage error (exit 2) for a flag this machine cannot honour or a bad
 * `--propagation`.
 */
export function resolveLab(
  options: LabOptions,
  given: ReadonlySet<string>,
  host: HostCapabilities,
): ResolvedLab {
  if (options.proxy === 'iptables' && !host.privileged) {
    throw usageError(
      'lameduck lab: --proxy iptables needs root on Linux (it programs kernel NAT rules); received it as a non-root user. Use --proxy userspace or run as root.',
    );
  }
  if (options.pidNamespace === 'on' && !host.privileged) {
    throw usageError('lameduck lab: --pid-namespace on needs root on Linux; use auto or off.');
  }
  const quick = options.quick;
  const propagationText =
    given.has('propagation') || !quick ? options.propagation : QUICK.propagation;
  const propagation = parseDistribution(propagationText);
  const rate = given.has('rate') || !quick ? options.rate : QUICK.rate;
  const pidNamespace =
    options.pidNamespace === 'on' || (options.pidNamespace === 'auto' && host.privileged);
  const settings: LabSettings = {
    traffic: {
      rate,
      connections: options.connections,
      keepalive: options.keepalive === 'on',
    },
    network: {
      proxy: options.proxy,
      ingress: options.ingress,
      nodes: options.nodes,
      propagation,
    },
    kubelet: { pidNamespace },
    rollout: {
      rollouts: options.rollouts,
      rolloutTimeoutMs: options.rolloutTimeout,
      settleMs: quick ? QUICK.settleMs : 1_000,
    },
  };
  return {
    settings,
    replicas: options.replicas ?? (quick ? QUICK.replicas : undefined),
    graceMs: quick ? QUICK.graceMs : DEFAULT_GRACE_MS,
    limitations: pidNamespace
      ? []
      : [
          'no PID namespace (needs root on Linux): a shell as PID 1 dies on SIGTERM instead of ignoring it; the pod is SIGKILLed when its main process exits',
        ],
    record: {
      rate,
      rollouts: options.rollouts,
      nodes: options.nodes,
      propagation: propagationText,
      connections: options.connections,
      keepalive: options.keepalive === 'on',
      proxy: options.proxy,
      ingress: options.ingress,
      pidNamespace,
      rolloutTimeoutMs: options.rolloutTimeout,
      settleMs: settings.rollout.settleMs,
      quick,
    },
  };
}
