import { parseDockerfile } from './dockerfile.js';
import { parseManifests } from './manifests.js';
import { DOCKERFILE_RULES, MANIFEST_RULES } from './rules/index.js';
import type { AuditOptions } from './rules/rule.js';
import { buildTopology } from './topology.js';
import type { Finding, InputError, K8sObject, Source } from './types.js';
import { get } from './workload.js';

export const IGNORE_ANNOTATION = 'lameduck.dev/ignore';

export interface AuditConfig extends AuditOptions {
  /** Rule ids not to run (`--disable`). */
  readonly disabled: ReadonlySet<string>;
}

export interface AuditResult {
  readonly findings: Finding[];
  readonly errors: InputError[];
  /** How many Kubernetes objects and Dockerfiles were read. */
  readonly objects: number;
  readonly suppressed: number;
}

/** Rule ids an object's `lameduck.dev/ignore` annotation turns off (`*` or `all` for every rule). */
function ignoredBy(object: K8sObject): Set<string> {
  const raw = get(object.value, ['metadata', 'annotations', IGNORE_ANNOTATION]);
  const ids = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : [];
  return new Set(ids.filter(Boolean));
}

const suppresses = (ids: ReadonlySet<string>, rule: string) =>
  ids.has(rule) || ids.has('*') || ids.has('all');

function compare(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (
    a.position.line - b.position.line ||
    a.position.column - b.position.column ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}

/**
 * Audits every source together: Services, Ingresses, Namespaces and BackendConfigs are matched to the
 * workloads they front across files, as `helm template` or `kustomize build` output would be.
 */
export function audit(sources: readonly Source[], config: AuditConfig): AuditResult {
  const objects: K8sObject[] = [];
  const errors: InputError[] = [];
  const findings: Finding[] = [];
  let suppressed = 0;
  let dockerfiles = 0;
  for (const source of sources) {
    if (source.type === 'dockerfile') {
      dockerfiles++;
      const dockerfile = parseDockerfile(source);
      for (const rule of DOCKERFILE_RULES) {
        if (config.disabled.has(rule.id)) continue;
        for (const f of rule.check(dockerfile)) {
          if (suppresses(dockerfile.ignored, f.rule)) suppressed++;
          else findings.push(f);
        }
      }
      continue;
    }
    const parsed = parseManifests(source);
    objects.push(...parsed.objects);
    errors.push(...parsed.errors);
  }
  const topology = buildTopology(objects);
  const ignores = new Map<string, Set<string>>();
  const keyOf = (f: Finding) =>
    `${f.file}\0${f.subject.kind}\0${f.subject.namespace}\0${f.subject.name}`;
  for (const o of objects) {
    const ids = ignoredBy(o);
    if (ids.size)
      ignores.set(`${o.source.file}\0${o.kind}\0${o.namespace ?? 'default'}\0${o.name}`, ids);
  }
  for (const rule of MANIFEST_RULES) {
    if (config.disabled.has(rule.id)) continue;
    for (const f of rule.check(topology, config)) {
      const ids = ignores.get(keyOf(f));
      if (ids && suppresses(ids, f.rule)) suppressed++;
      else findings.push(f);
    }
  }
  findings.sort(compare);
  return { findings, errors, objects: objects.length + dockerfiles, suppressed };
}
