import type { Container, Workload } from '../../manifest/workload.js';
import type { Finding } from '../finding.js';
import { type Serving, servingContainers } from '../model/serving.js';
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

function build<T extends { container: Container }>(
  meta: RuleMeta,
  subjects: (topology: Parameters<ManifestRule['check']>[0], workload: Workload) => readonly T[],
  inspect: Inspect<T>,
): ManifestRule {
  return {
    ...meta,
    check(topology, options) {
      const out: Finding[] = [];
      for (const workload of topology.workloads) {
        for (const subject of subjects(topology, workload)) {
          const init = inspect(workload, subject, options);
          if (init)
            out.push(
              finding(meta, workload.object, { container: subject.container.name, ...init }),
            );
        }
      }
      return out;
    },
  };
}

/** A rule that looks at every container of every workload on its own. */
export function containerRule(meta: RuleMeta, inspect: Inspect<Container>): ManifestRule {
  return build(
    meta,
    (_topology, workload) => workload.containers.map((container) => ({ container })),
    (workload, { container }, options) => inspect(workload, container, options),
  );
}

/** A rule that looks at every container that serves traffic (see `servingContainers`). */
export function servingRule(meta: RuleMeta, inspect: Inspect<Serving>): ManifestRule {
  return build(meta, servingContainers, inspect);
}
