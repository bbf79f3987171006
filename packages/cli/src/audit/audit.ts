import { type DocumentCache, parseManifests } from '../manifest/parse.js';
import type { InputError, K8sObject, Source } from '../manifest/types.js';
import { get } from '../manifest/workload.js';
import type { Finding, Subject } from './finding.js';
import { type Dockerfile, parseDockerfile } from './input/dockerfile-parser.js';
import { buildTopology } from './model/topology.js';
import { DOCKERFILE_RULES, MANIFEST_RULES } from './rules/registry.js';
import { type AuditOptions, subjectOf, WORKLOAD_KINDS } from './rules/rule.js';

export const IGNORE_ANNOTATION = 'lameduck.dev/ignore';

/**
 * The kinds whose contents some rule reads; the values of the others (Secrets, RBAC, CRDs with their
 * schemas) are not held in memory, only their kind, namespace and name.
 */
const READ_KINDS: ReadonlySet<string> = new Set([
  ...WORKLOAD_KINDS,
  'Service',
  'Ingress',
  'Namespace',
  'BackendConfig',
  'HorizontalPodAutoscaler',
  'ConfigMap',
  'ServiceMonitor',
  'PodMonitor',
]);

export interface AuditConfig extends AuditOptions {
  /** Rule ids not to run (`--disable`). */
  readonly disabled: ReadonlySet<string>;
  /** Documents parsed before (by `--fix`'s earlier rounds), so that only changed ones are parsed. */
  readonly cache?: DocumentCache;
}

/** An object defined in several files (overlays, per-environment renders): audited per file. */
export interface Variant {
  readonly subject: Subject;
  readonly files: readonly string[];
}

/** An object or Dockerfile, and the rules that checked it. */
export interface Checked {
  readonly file: string;
  readonly subject: Subject;
  readonly rules: readonly string[];
}

export interface AuditResult {
  readonly findings: Finding[];
  /** Objects with the same kind, namespace and name in more than one file. */
  readonly variants: readonly Variant[];
  /**
   * Every object and Dockerfile audited, with its file and the rules that checked it, for reports
   * that list passes (JUnit). Listed when asked for: most reports never do.
   */
  subjects(): readonly Checked[];
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

const suppresses = (ids: ReadonlySet<string> | undefined, rule: string) =>
  ids !== undefined && (ids.has(rule) || ids.has('*') || ids.has('all'));

const subjectKey = (file: string, s: Subject) =>
  `${file}\0${s.kind}\0${s.namespace ?? ''}\0${s.name}`;

function compare(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (
    a.position.line - b.position.line ||
    a.position.column - b.position.column ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}

/** Keeps what a suppression does not cover; counts the rest. */
class Collector {
  readonly findings: Finding[] = [];
  suppressed = 0;

  add(found: readonly Finding[], ignored: (f: Finding) => ReadonlySet<string> | undefined): void {
    for (const f of found) {
      if (suppresses(ignored(f), f.rule)) this.suppressed++;
      else this.findings.push(f);
    }
  }
}

function auditDockerfile(dockerfile: Dockerfile, config: AuditConfig, out: Collector): void {
  for (const rule of DOCKERFILE_RULES) {
    if (!config.disabled.has(rule.id)) out.add(rule.check(dockerfile), () => dockerfile.ignored);
  }
}

/** Objects with the same kind, namespace and name in more than one file. */
function variantsOf(objects: readonly K8sObject[]): Variant[] {
  const files = new Map<string, { subject: Subject; files: string[] }>();
  for (const o of objects) {
    const subject = subjectOf(o);
    const key = `${subject.kind}\0${subject.namespace ?? ''}\0${subject.name}`;
    const entry = files.get(key) ?? { subject, files: [] };
    if (!entry.files.includes(o.source.file)) entry.files.push(o.source.file);
    files.set(key, entry);
  }
  return [...files.values()].filter((v) => v.files.length > 1);
}

/**
 * Audits every source together: Services, Ingresses, Namespaces and BackendConfigs are matched to the
 * workloads they front across files, as `helm template` or `kustomize build` output would be.
 */
export function audit(sources: readonly Source[], config: AuditConfig): AuditResult {
  const objects: K8sObject[] = [];
  const errors: InputError[] = [];
  const out = new Collector();
  let dockerfiles = 0;
  const dockerSubjects: Checked[] = [];
  for (const source of sources) {
    if (source.type === 'dockerfile') {
      dockerfiles++;
      auditDockerfile(parseDockerfile(source), config, out);
      dockerSubjects.push({
        file: source.file,
        subject: { kind: 'Dockerfile', name: 'Dockerfile' },
        rules: DOCKERFILE_RULES.map((r) => r.id).filter((id) => !config.disabled.has(id)),
      });
      continue;
    }
    const parsed = parseManifests(source, {
      ...(config.cache ? { cache: config.cache } : {}),
      keep: (kind) => READ_KINDS.has(kind),
    });
    for (const o of parsed.objects) objects.push(o);
    for (const e of parsed.errors) errors.push(e);
  }
  const ignores = new Map<string, Set<string>>();
  for (const o of objects) {
    if (!READ_KINDS.has(o.kind)) continue; // no rule reports on it
    const ids = ignoredBy(o);
    if (ids.size) ignores.set(subjectKey(o.source.file, subjectOf(o)), ids);
  }
  const topology = buildTopology(objects);
  for (const rule of MANIFEST_RULES) {
    if (config.disabled.has(rule.id)) continue;
    out.add(rule.check(topology, config), (f) => ignores.get(subjectKey(f.file, f.subject)));
  }
  out.findings.sort(compare);
  return {
    findings: out.findings,
    variants: variantsOf(objects),
    subjects: () => [
      ...dockerSubjects,
      ...objects.flatMap((o) => {
        const rules = MANIFEST_RULES.filter(
          (r) => !config.disabled.has(r.id) && (r.kinds ?? WORKLOAD_KINDS).includes(o.kind),
        ).map((r) => r.id);
        return rules.length ? [{ file: o.source.file, subject: subjectOf(o), rules }] : [];
      }),
    ],
    errors,
    objects: objects.length + dockerfiles,
    suppressed: out.suppressed,
  };
}
