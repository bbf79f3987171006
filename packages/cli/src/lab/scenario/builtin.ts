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
  'prestop-sleep',
  'shell-entrypoint',
  'lameduck',
  'shell-entrypoint+run',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScenarioSettings {
  readonly replicas: number;
  /** Per-request latency of the demo app. */
  readonly latencyMs: number;
  /** The port every pod listens on (on its own address). */
  readonly port: number;
  /** Longest propagation delay of the data path: what a preStop sleep or drain delay must cover. */
  readonly propagationMaxMs: number;
  /** The node binary (process.execPath). */
  readonly node: string;
  /** terminationGracePeriodSeconds of every scenario, in ms. */
  readonly graceMs: number;
}

/** What each scenario is meant to show, for the report. */
export const STORIES: Record<ScenarioName, string> = {
  naive: 'no SIGTERM handling, no preStop',
  'sigterm-exit': 'closes its listener and exits as soon as SIGTERM arrives',
  'prestop-sleep': 'preStop sleep + SIGTERM handler that closes the server',
  'shell-entrypoint': 'started through `sh -c`, which does not forward SIGTERM',
  lameduck: 'the lameduck runtime library with its defaults and a matching manifest',
  'shell-entrypoint+run':
    'the shell entrypoint again, under `lameduck run` as PID 1, with the lameduck app and manifest',
};

/** Lab-sized grace period: long enough for every drain below, short enough for a 2-minute matrix. */
export const DEFAULT_GRACE_MS = 8_000;

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
    env: { DEMO_LATENCY_MS: String(settings.latencyMs) },
    port: settings.port,
    readinessProbe: readiness,
    terminationGracePeriodMs: settings.graceMs,
  };
  const template = ((): PodTemplate => {
    switch (name) {
      case 'naive':
        return base;
      case 'sigterm-exit':
        return { ...base, env: { ...base.env, DEMO_ON_SIGTERM: 'exit' } };
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
