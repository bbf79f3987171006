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

/** The downward-API fields the kubelet fills in (`env[].valueFrom.fieldRef.fieldPath`). */
export const DOWNWARD_FIELDS = [
  'metadata.name',
  'metadata.namespace',
  'status.podIP',
  'status.podIPs',
  'status.hostIP',
  'status.hostIPs',
] as const;
export type DownwardField = (typeof DOWNWARD_FIELDS)[number];

/**
 * A container environment variable: a literal (where `$(NAME)` refers to a variable defined before
 * it) or a downward-API field of the pod.
 */
export type EnvValue = string | { readonly fieldRef: DownwardField };

/** The part of a Deployment's pod template the lab runs (one container per pod). */
export interface PodTemplate {
  /** argv of the container's main process (PID 1 of the pod). */
  readonly command: readonly string[];
  /** The container's `env`, in order. */
  readonly env: Readonly<Record<string, EnvValue>>;
  /** The port the container listens on; the pod's address is its own 127.x.y.z. */
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
