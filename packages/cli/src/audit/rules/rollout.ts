import type { K8sObject } from '../../manifest/types.js';
import { get, seconds } from '../../manifest/workload.js';
import type { Finding } from '../finding.js';
import { servesUsers, servingContainers } from '../model/serving.js';
import { finding, type ManifestRule } from './rule.js';

/** A rolling-update bound: an absolute number, or a percentage of replicas rounded as Kubernetes does. */
export function effective(
  value: unknown,
  replicas: number,
  fallback: string,
  round: 'up' | 'down',
): number | undefined {
  const raw = value ?? fallback;
  if (typeof raw === 'number') return raw;
  const match = /^(\d+)%$/.exec(String(raw).trim());
  if (!match) return seconds(raw);
  const exact = (replicas * Number(match[1])) / 100;
  return round === 'up' ? Math.ceil(exact) : Math.floor(exact);
}

interface Problem {
  readonly message: string;
  readonly fix: string;
  readonly path: readonly (string | number)[];
}

function deploymentProblem(
  object: K8sObject,
  replicas: number,
  served: boolean,
): Problem | undefined {
  const at = ['spec', 'strategy'];
  if (get(object.value, [...at, 'type']) === 'Recreate') {
    return served
      ? {
          message: 'strategy Recreate stops every pod before starting new ones',
          fix: 'use strategy RollingUpdate with maxUnavailable: 0 and maxSurge: 1',
          path: [...at, 'type'],
        }
      : undefined;
  }
  const rolling = get(object.value, [...at, 'rollingUpdate']);
  const surge = effective(get(rolling, ['maxSurge']), replicas, '25%', 'up') ?? 1;
  const unavailable = effective(get(rolling, ['maxUnavailable']), replicas, '25%', 'down') ?? 0;
  if (unavailable < replicas) return undefined;
  return {
    message:
      replicas === 1 && surge === 0
        ? 'replicas 1 with maxSurge 0: the only pod is stopped before its replacement is ready'
        : `maxUnavailable is ${unavailable} with ${replicas} replica(s): every old pod may be stopped at once`,
    fix: `set maxUnavailable: 0 and maxSurge: 1${replicas === 1 ? ', or run at least 2 replicas' : ''}`,
    path: [...at, 'rollingUpdate'],
  };
}

function statefulSetProblem(
  object: K8sObject,
  replicas: number,
  served: boolean,
): Problem | undefined {
  if (
    !served ||
    replicas !== 1 ||
    get(object.value, ['spec', 'updateStrategy', 'type']) === 'OnDelete'
  ) {
    return undefined;
  }
  return {
    message:
      'a StatefulSet with 1 replica replaces its only pod in place: no pod serves during the update',
    fix: 'run at least 2 replicas behind the Service',
    path: ['spec', 'replicas'],
  };
}

export const rolloutZeroCapacity: ManifestRule = {
  id: 'rollout-zero-capacity',
  severity: 'error',
  kinds: ['Deployment', 'StatefulSet'],
  title: 'Rollout can take every pod down at once',
  why: 'When a rollout may stop all old pods before a new one is ready, the Service has no endpoint for a while and every request fails, however graceful each pod is.',
  check(topology) {
    const out: Finding[] = [];
    for (const workload of topology.workloads) {
      const { object } = workload;
      if (object.kind !== 'Deployment' && object.kind !== 'StatefulSet') continue;
      const exposure = topology.exposure(workload);
      const served = exposure.services.length > 0;
      // A workload no Service of the input selects is left alone (unless the input has no Service).
      if (!served && topology.hasServices) continue;
      const serving = servingContainers(topology, workload);
      const metricsOnly = serving.length > 0 && !servesUsers(topology, workload);
      const hpaMin = exposure.autoscalers.map(
        (h) => seconds(get(h.value, ['spec', 'minReplicas'])) ?? 1,
      );
      const replicas =
        seconds(get(object.value, ['spec', 'replicas'])) ??
        (hpaMin.length ? Math.min(...hpaMin) : 1);
      if (replicas === 0) continue;
      const problem =
        object.kind === 'Deployment'
          ? deploymentProblem(object, replicas, served)
          : statefulSetProblem(object, replicas, served);
      if (!problem) continue;
      out.push(
        finding(
          this,
          object,
          metricsOnly
            ? {
                ...problem,
                severity: 'info',
                message: `${problem.message} (only metrics are served: the rollout costs scrapes, not requests)`,
              }
            : problem,
        ),
      );
    }
    return out;
  },
};
