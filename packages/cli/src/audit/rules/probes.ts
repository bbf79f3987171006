import { isRecord } from '../../core/records.js';
import { asRecord, type Container } from '../../manifest/workload.js';
import { containerRule, servingRule } from './container-rule.js';

const PROBE_DEFAULTS = {
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
};
/** A liveness `initialDelaySeconds` at or above this is a startup wait in disguise. */
export const STARTUP_DELAY_SECONDS = 30;

type Probe = Record<string, unknown> & typeof PROBE_DEFAULTS;

/** A probe with Kubernetes' defaults filled in, so that equal behaviour compares equal. */
function normalize(raw: unknown): Probe | undefined {
  return isRecord(raw) ? ({ ...PROBE_DEFAULTS, ...raw } as Probe) : undefined;
}

/**
 * Whether two values are the same JSON, key order aside (what comparing their JSON with sorted keys
 * would say), without building that JSON: this runs for every container.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (isRecord(a)) {
    if (!isRecord(b)) return false;
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]))
    );
  }
  if (Array.isArray(b) || isRecord(b)) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The liveness and readiness probes of a container, when it has both. */
function probePair(container: Container): { live: Probe; ready: Probe } | undefined {
  const live = normalize(container.spec.livenessProbe);
  const ready = normalize(container.spec.readinessProbe);
  return live && ready ? { live, ready } : undefined;
}

/** Seconds of consecutive failures before the probe acts. */
const window = (p: Probe): number => Number(p.periodSeconds) * Number(p.failureThreshold);

export const readinessMissing = servingRule(
  {
    id: 'readiness-missing',
    severity: 'error',
    title: 'Serving container without a readiness probe',
    why: 'Without a readiness probe a pod gets traffic as soon as its process starts, before it can answer, and keeps it while it drains.',
  },
  (_workload, { container, via }) =>
    container.spec.readinessProbe !== undefined
      ? undefined
      : {
          path: container.path,
          message: `container "${container.name}" serves traffic through ${via} but has no readinessProbe`,
          fix: 'add a readinessProbe (httpGet on an endpoint that answers 503 while the app starts and while it drains); lameduck never inserts a placeholder probe',
        },
);

export const probesIdentical = containerRule(
  {
    id: 'probes-identical',
    severity: 'warning',
    title: 'Liveness probe identical to the readiness probe',
    why: 'When liveness equals readiness, an overloaded or draining pod that should only leave the load balancer is restarted instead, dropping its in-flight requests.',
  },
  (_workload, container) => {
    const pair = probePair(container);
    if (!pair || !sameJson(pair.live, pair.ready)) return undefined;
    const { live } = pair;
    return {
      path: [...container.path, 'livenessProbe'],
      message: `container "${container.name}": livenessProbe equals readinessProbe in every field`,
      fix: `make liveness more tolerant than readiness (e.g. failureThreshold ${live.failureThreshold * 2}), or point it at an endpoint that only checks the process is alive`,
    };
  },
);

export const livenessStricter = containerRule(
  {
    id: 'liveness-stricter-than-readiness',
    severity: 'warning',
    title: 'Liveness probe gives up before the readiness probe',
    why: 'A liveness probe that fails faster than readiness restarts the container before it is taken out of rotation, so a slow pod is killed with requests in flight.',
  },
  (_workload, container) => {
    const pair = probePair(container);
    if (!pair || window(pair.live) >= window(pair.ready)) return undefined;
    const { live, ready } = pair;
    return {
      path: [...container.path, 'livenessProbe'],
      message: `container "${container.name}": liveness acts after ${window(live)}s of failures (periodSeconds × failureThreshold), readiness only after ${window(ready)}s`,
      fix: `raise livenessProbe failureThreshold to at least ${Math.ceil(window(ready) / live.periodSeconds) + 1} (or its periodSeconds) so readiness fails first`,
    };
  },
);

export const startupProbeMissing = containerRule(
  {
    id: 'startup-probe-missing',
    severity: 'warning',
    title: 'Long liveness initialDelaySeconds instead of a startup probe',
    why: 'A long liveness initialDelaySeconds delays detection of every hang for the life of the pod and still kills pods that start slower than guessed; a startupProbe covers start-up only.',
  },
  (_workload, container) => {
    const live = normalize(container.spec.livenessProbe);
    if (!live || container.spec.startupProbe !== undefined) return undefined;
    const delay = Number(asRecord(container.spec.livenessProbe).initialDelaySeconds ?? 0);
    if (!(delay >= STARTUP_DELAY_SECONDS)) return undefined;
    const failures = Math.ceil(delay / live.periodSeconds) + live.failureThreshold;
    return {
      path: [...container.path, 'livenessProbe', 'initialDelaySeconds'],
      message: `container "${container.name}": livenessProbe waits initialDelaySeconds ${delay} and there is no startupProbe`,
      fix: `add a startupProbe with the liveness handler, periodSeconds ${live.periodSeconds} and failureThreshold ${failures}, and drop initialDelaySeconds from the livenessProbe`,
    };
  },
);
