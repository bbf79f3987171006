import type { OptionSpecs } from '../args/spec.js';
import { SCENARIOS } from './scenarios.js';

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
    description: 'Write the results as JSON to this file',
    valueName: '<file>',
  },
  html: {
    kind: 'string',
    description: 'Write a self-contained HTML report to this file',
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
