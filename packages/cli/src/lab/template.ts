import type { IntOrPercent } from './quantity.js';

/** What a probe or lifecycle hook does: the Kubernetes handler kinds the lab models. */
export type Handler =
  | { readonly kind: 'httpGet'; readonly path: string; readonly port: number }
  | { readonly kind: 'tcpSocket'; readonly port: number }
  | { readonly kind: 'exec'; readonly command: readonly string[] }
  | { readonly kind: 'sleep'; readonly ms: number };

/** A container probe, with the fields and defaults of the Kubernetes `Probe` type (in ms). */
export interface Probe {
  readonly handler: Handler;
  readonly initialDelayMs: number;
  readonly periodMs: number;
  readonly timeoutMs: number;
  readonly successThreshold: number;
  readonly failureThreshold: number;
}

/** The part of a Deployment's pod template the lab runs (one container per pod). */
export interface PodTemplate {
  /** argv of the container's main process (PID 1 of the pod). */
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The port the container listens on; the pod's address is its own 127.0.x.y. */
  readonly port: number;
  readonly startupProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly preStop?: Handler;
  /** terminationGracePeriodSeconds, in ms (Kubernetes default 30 s). */
  readonly terminationGracePeriodMs: number;
}

export type Strategy =
  | {
      readonly type: 'RollingUpdate';
      readonly maxSurge: IntOrPercent;
      readonly maxUnavailable: IntOrPercent;
    }
  | { readonly type: 'Recreate' };

/** The Deployment fields the lab applies. */
export interface DeploymentSpec {
  readonly replicas: number;
  readonly strategy: Strategy;
  readonly minReadyMs: number;
  readonly template: PodTemplate;
}

/** Kubernetes' defaults for a probe (core/v1 `Probe` field docs). */
export const PROBE_DEFAULTS = {
  initialDelayMs: 0,
  periodMs: 10_000,
  timeoutMs: 1_000,
  successThreshold: 1,
  failureThreshold: 3,
} as const;

/** Kubernetes' defaults for a Deployment (apps/v1 field docs). */
export const DEPLOYMENT_DEFAULTS = {
  replicas: 1,
  strategy: { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%' },
  minReadyMs: 0,
  terminationGracePeriodMs: 30_000,
} as const satisfies {
  replicas: number;
  strategy: Strategy;
  minReadyMs: number;
  terminationGracePeriodMs: number;
};

export function probe(handler: Handler, overrides: Partial<Omit<Probe, 'handler'>> = {}): Probe {
  return { handler, ...PROBE_DEFAULTS, ...overrides };
}
