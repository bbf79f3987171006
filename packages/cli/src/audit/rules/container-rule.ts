import type { Container, Workload } from '../../manifest/workload.js';
import type { Finding } from '../finding.js';
import { injected, type Serving, servingContainers } from '../model/serving.js';
import {
  type AuditOptions,
  type FindingInit,
  finding,
  type ManifestRule,
  type RuleMeta,
} from './rule.js';

type Inspect<T> = (
  workload: Workload,
  subject: T,
  options: AuditOptions,
) => FindingInit | undefined;

interface Scope {
  /**
   * The rule is about rolling updates (preStop, grace period): a bare Pod is never rolled out (it is
   * deleted and not replaced), so it is left out.
   */
  readonly rollout?: boolean;
}

/** Whether a workload is replaced by a rollout: everything but a bare Pod. */
export const rolledOut = (workload: Workload): boolean => workload.object.kind !== 'Pod';

function build<T extends { container: Container; audience?: Serving['audience'] }>(
  meta: RuleMeta,
  scope: Scope,
  subjects: (topology: Parameters<ManifestRule['check']>[0], workload: Workload) => readonly T[],
  inspect: Inspect<T>,
): ManifestRule {
  return {
    ...meta,
    check(topology, options) {
      const out: Finding[] = [];
      for (const workload of topology.workloads) {
        if (scope.rollout && !rolledOut(workload)) continue;
        for (const subject of subjects(topology, workload)) {
          const init = inspect(workload, subject, options);
          if (!init) continue;
          // Only Prometheus reaches it: a failed scrape is not a failed request. Reported, not fixed.
          const metricsOnly = subject.audience === 'metrics';
          const { edits: _edits, ...reported } = init;
          const shown: FindingInit = metricsOnly
            ? {
                ...reported,
                severity: 'info',
                message: `${init.message} (only metrics are served: the rollout costs scrapes, not requests)`,
              }
            : init;
          out.push(finding(meta, workload.object, { container: subject.container.name, ...shown }));
        }
      }
      return out;
    },
  };
}

/**
 * A rule that looks at every container of every workload on its own, except those a mesh injects
 * (`image: auto`, `istio-proxy`), which the mesh configures.
 */
export function containerRule(
  meta: RuleMeta,
  inspect: Inspect<Container>,
  scope: Scope = {},
): ManifestRule {
  return build(
    meta,
    scope,
    (_topology, workload) =>
      workload.containers.filter((c) => !injected(c)).map((container) => ({ container })),
    (workload, { container }, options) => inspect(workload, container, options),
  );
}

/** A rule that looks at every container that serves traffic (see `servingContainers`). */
export function servingRule(
  meta: RuleMeta,
  inspect: Inspect<Serving>,
  scope: Scope = {},
): ManifestRule {
  return build(meta, scope, servingContainers, inspect);
}
