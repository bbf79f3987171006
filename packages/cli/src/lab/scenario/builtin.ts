import { createRequire } from 'node:module';
import {
  DEPLOYMENT_DEFAULTS,
  type DeploymentSpec,
  type PodTemplate,
  probe,
} from '../spec/template.js';
import { compiledCli, compiledSibling } from './paths.js';

/** The built-in scenarios, in the order the matrix runs them. */
export const SCENARIOS = [
  'naive',
  'sigterm-exit',
  'graceful-no-delay',
  'prestop-sleep',
  'shell-entrypoint',
  'shell-trap',
  'keepalive-lb',
  'keepalive-lb-drain',
  'lameduck',
  'shell-entrypoint+run',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScenarioSettings {
  readonly replicas: number;
  /** The demo app's latency: its distribution, the slow share and the slow requests' distribution. */
  readonly latency: AppLatency;
  /** The port every pod listens on (on its own address). */
  readonly port: number;
  /** Longest propagation delay of the data path: what a preStop sleep or drain delay must cover. */
  readonly propagationMaxMs: number;
  /** The node binary (process.execPath). */
  readonly node: string;
  /** terminationGracePeriodSeconds of every scenario, in ms. */
  readonly graceMs: number;
  /** `--lb-drain` when given: the draining of keepalive-lb-drain's load balancer. */
  readonly lbDrainMs?: number | undefined;
}

/** The demo app's latency, in the words of spec/distribution.ts. */
export interface AppLatency {
  readonly base: string;
  /** Share of requests (0..1) that take `slow` instead. */
  readonly slowShare: number;
  readonly slow: string;
}

/** A scenario as the reports show it: what it does, and the story it replays. */
export interface ScenarioInfo {
  /** One line, in the table, the JSON and the HTML. */
  readonly description: string;
  /** The seed story (shared/seeds) it replays, when it replays one. */
  readonly story?: string;
}

export const SCENARIO_INFO: Record<ScenarioName, ScenarioInfo> = {
  naive: { description: 'no SIGTERM handling, no preStop: killed at the end of the grace period' },
  'sigterm-exit': {
    description: 'closes its listener and exits the moment SIGTERM arrives',
    story: '003 (Kubernetes in Action: the app stops at SIGTERM while proxies still route to it)',
  },
  'graceful-no-delay': {
    description:
      'graceful shutdown without delay (Spring server.shutdown=graceful, Tomcat pause, light-4j): stops accepting at SIGTERM, no preStop',
    story: '000 (Spring Boot, Tomcat pause) and 003: refused while the proxies catch up',
  },
  'prestop-sleep': {
    description:
      'preStop sleep, then server.close(): busy keep-alive connections never let it finish',
  },
  'shell-entrypoint': {
    description: 'started by a shell script without a trap: SIGTERM never reaches the app',
    story: '001, first attempt (light-4j started by a bash script)',
  },
  'shell-trap': {
    description: 'a bash script whose trap forwards SIGTERM to a graceful app, no preStop',
    story: '001, second attempt (bash trap, no preStop: "503, connection refused")',
  },
  'keepalive-lb': {
    description:
      'graceful app and a long preStop behind a cloud load balancer without connection draining',
    story: '002 (Spring graceful + preStop behind Alibaba SLB, draining off: 500s)',
  },
  'keepalive-lb-drain': {
    description: 'the same behind a load balancer with connection draining on',
    story: '002, the fix (SLB connection draining)',
  },
  lameduck: {
    description: 'the lameduck runtime library with its defaults and a matching manifest',
    story: 'the fix of 001 and 003: preStop, drain delay, Connection: close, then close',
  },
  'shell-entrypoint+run': {
    description:
      'the shell entrypoint again, under `lameduck run` as PID 1, with the lameduck app and manifest',
    story: 'the fix of 001 without changing the script',
  },
};

/** Lab-sized grace period: long enough for every drain below, short enough for a 2-minute matrix. */
export const DEFAULT_GRACE_MS = 8_000;

/** The data path a scenario needs whatever the flags say (the stories that happened behind an LB). */
export interface ScenarioNetwork {
  readonly lb: 'cloud';
  /** undefined: draining off */
  readonly lbDrainMs: number | undefined;
}

/** What keepalive-lb and keepalive-lb-drain run behind. */
export function scenarioNetwork(
  name: ScenarioName,
  settings: Pick<ScenarioSettings, 'propagationMaxMs' | 'lbDrainMs'>,
): ScenarioNetwork | undefined {
  if (name === 'keepalive-lb') return { lb: 'cloud', lbDrainMs: undefined };
  if (name === 'keepalive-lb-drain') {
    return { lb: 'cloud', lbDrainMs: settings.lbDrainMs ?? labDrainMs(settings.propagationMaxMs) };
  }
  return undefined;
}

/** The long preStop of the load-balancer stories: the drain cover, in whole seconds. */
function longPreStopMs(propagationMaxMs: number): number {
  return Math.ceil((propagationMaxMs + 1_000) / 1000) * 1000;
}

/**
 * Lab-sized connection draining for keepalive-lb-drain: the load balancer lets go of the old pod's
 * connections before the preStop ends (in the story: drain 30 s, preStop 30 s and more).
 */
function labDrainMs(propagationMaxMs: number): number {
  return Math.max(500, longPreStopMs(propagationMaxMs) - propagationMaxMs - 200);
}

/** The Deployment a scenario runs: the demo app plus the manifest the story describes. */
export function scenarioSpec(name: ScenarioName, settings: ScenarioSettings): DeploymentSpec {
  const app = compiledSibling('demo-app');
  const readiness = probe(
    { kind: 'httpGet', path: '/healthz', port: settings.port },
    { periodMs: 500, failureThreshold: 1 },
  );
  const drainCover = settings.propagationMaxMs + 1_000;
  const base: PodTemplate = {
    command: [settings.node, app],
    env: {
      DEMO_LATENCY: settings.latency.base,
      DEMO_SLOW_SHARE: String(settings.latency.slowShare),
      DEMO_SLOW_LATENCY: settings.latency.slow,
    },
    port: settings.port,
    readinessProbe: readiness,
    terminationGracePeriodMs: settings.graceMs,
  };
  const graceful = { ...base, env: { ...base.env, DEMO_ON_SIGTERM: 'graceful' } };
  const longPreStop: PodTemplate['preStop'] = {
    kind: 'sleep',
    ms: longPreStopMs(settings.propagationMaxMs),
  };
  const template = ((): PodTemplate => {
    switch (name) {
      case 'naive':
        return base;
      case 'sigterm-exit':
        return { ...base, env: { ...base.env, DEMO_ON_SIGTERM: 'exit' } };
      case 'graceful-no-delay':
        return graceful;
      case 'prestop-sleep':
        return {
          ...base,
          env: { ...base.env, DEMO_ON_SIGTERM: 'drain' },
          preStop: { kind: 'sleep', ms: Math.ceil(drainCover / 1000) * 1000 },
        };
      case 'shell-entrypoint':
        // `; true` keeps the shell from exec-ing node (dash never does; bash would for a last command).
        return {
          ...base,
          command: ['/bin/sh', '-c', `"${settings.node}" "${app}"; true`],
          env: { ...base.env, DEMO_ON_SIGTERM: 'drain' },
        };
      case 'shell-trap':
        // The script of story 001 after its fix: the JVM in the background, a trap that forwards
        // SIGTERM, and a second wait for the drain (bash's wait returns when the trap fires).
        return {
          ...graceful,
          command: [
            '/bin/bash',
            '-c',
            `trap 'kill -TERM "$child" 2>/dev/null' TERM; "${settings.node}" "${app}" & child=$!; wait "$child"; trap - TERM; wait "$child"`,
          ],
        };
      case 'keepalive-lb':
      case 'keepalive-lb-drain':
        return { ...graceful, preStop: longPreStop };
      case 'lameduck':
        return lameduckTemplate(base, settings, app, drainCover);
      case 'shell-entrypoint+run': {
        // lameduck run passes SIGTERM to the whole group and stays until all of it has exited.
        const fixed = lameduckTemplate(base, settings, app, drainCover);
        const inner = fixed.command.map((word) => `"${word}"`).join(' ');
        return {
          ...fixed,
          command: [
            settings.node,
            compiledCli(),
            'run',
            '--grace',
            `${Math.max(1_000, settings.graceMs - 1_000)}ms`,
            '--',
            '/bin/sh',
            '-c',
            `${inner}; true`,
          ],
        };
      }
    }
  })();
  return {
    replicas: settings.replicas,
    strategy: DEPLOYMENT_DEFAULTS.strategy,
    minReadyMs: 0,
    template,
  };
}

/**
 * The manifest of examples/kubernetes/deployment.yaml, lab-sized: `node --import lameduck/auto`, the
 * admin server for probes (on the pod's address, as the lab's pod network gives it) and a preStop
 * `httpGet /prestop` that holds the kubelet for the drain delay; the delay covers the slowest proxy.
 */
function lameduckTemplate(
  base: PodTemplate,
  settings: ScenarioSettings,
  app: string,
  drainCover: number,
): PodTemplate {
  const admin = ADMIN_PORT;
  return {
    ...base,
    command: [
      settings.node,
      '--import',
      createRequire(import.meta.url).resolve('lameduck/auto'),
      app,
    ],
    env: {
      ...base.env,
      LAMEDUCK_DRAIN_DELAY: `${drainCover}ms`,
      LAMEDUCK_GRACE_PERIOD: `${settings.graceMs}ms`,
      LAMEDUCK_ADMIN_PORT: String(admin),
      LAMEDUCK_LOG: 'off',
    },
    preStop: { kind: 'httpGet', path: '/prestop', port: admin },
    startupProbe: probe(
      { kind: 'httpGet', path: '/startupz', port: admin },
      { periodMs: 200, failureThreshold: 50 },
    ),
    readinessProbe: probe(
      { kind: 'httpGet', path: '/readyz', port: admin },
      { periodMs: 500, failureThreshold: 1 },
    ),
  };
}

/** The runtime library's default admin port. */
const ADMIN_PORT = 9000;
