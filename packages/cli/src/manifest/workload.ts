import { isRecord, type JsonRecord } from '../core/records.js';
import type { K8sObject } from './types.js';

export type Path = readonly (string | number)[];
export type Json = JsonRecord;

export { isRecord };
export const asRecord = (v: unknown): Json => (isRecord(v) ? v : {});
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The value at `path`, or undefined. */
export function get(value: unknown, path: Path): unknown {
  let current = value;
  for (const key of path) {
    if (Array.isArray(current) && typeof key === 'number') current = current[key];
    else if (isRecord(current) && typeof key === 'string') current = current[key];
    else return undefined;
  }
  return current;
}

/** A workload that runs pods which may serve traffic. Jobs and CronJobs run to completion and are skipped. */
export interface Workload {
  readonly object: K8sObject;
  /** Path from the object to its PodSpec. */
  readonly podSpecPath: Path;
  readonly podSpec: Json;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly containers: readonly Container[];
}

export interface Container {
  readonly name: string;
  readonly index: number;
  /** Path from the object to the container. */
  readonly path: Path;
  readonly spec: Json;
}

const TEMPLATE_KINDS: Readonly<Record<string, Path>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
};

function labels(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(value)))
    if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}

/** Whether objects of a kind run pods that may serve (what `workloadOf` reads). */
/** `--flag=value` or `--flag value` from a container's command line (command, then args). */
export function containerFlag(container: Container, name: string): string | undefined {
  const argv = [...asArray(container.spec.command), ...asArray(container.spec.args)].map(String);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
    if (arg === name) return argv[i + 1];
  }
  return undefined;
}

export const isWorkloadKind = (kind: string): boolean =>
  kind === 'Pod' || Object.hasOwn(TEMPLATE_KINDS, kind);

/** The serving workload described by an object, or undefined (Jobs, CronJobs, non-workloads). */
export function workloadOf(object: K8sObject): Workload | undefined {
  let templatePath: Path;
  if (object.kind === 'Pod') templatePath = [];
  else if (Object.hasOwn(TEMPLATE_KINDS, object.kind))
    templatePath = TEMPLATE_KINDS[object.kind] as Path;
  else return undefined;
  const template = asRecord(get(object.value, templatePath));
  const podSpecPath = [...templatePath, 'spec'];
  const podSpec = asRecord(template.spec);
  const containers = asArray(podSpec.containers).map((spec, index) => {
    const record = asRecord(spec);
    return {
      name: typeof record.name === 'string' ? record.name : `#${index}`,
      index,
      path: [...podSpecPath, 'containers', index],
      spec: record,
    };
  });
  return {
    object,
    podSpecPath,
    podSpec,
    podLabels: labels(get(template, ['metadata', 'labels'])),
    containers,
  };
}

function matchesExpression(raw: unknown, podLabels: Readonly<Record<string, string>>): boolean {
  const e = asRecord(raw);
  const key = String(e.key);
  const values = asArray(e.values).map(String);
  const value = podLabels[key];
  switch (e.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    default:
      return false;
  }
}

/** Whether a label selector (`matchLabels`/`matchExpressions`, or a Service's plain map) picks these labels. */
export function selects(
  selector: unknown,
  podLabels: Readonly<Record<string, string>>,
  plain: boolean,
): boolean {
  const record = asRecord(selector);
  const matchLabels = plain ? record : asRecord(record.matchLabels);
  const expressions = plain ? [] : asArray(record.matchExpressions);
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) return false;
  for (const [k, v] of Object.entries(matchLabels)) if (podLabels[k] !== String(v)) return false;
  return expressions.every((e) => matchesExpression(e, podLabels));
}

/** A whole number of seconds from a YAML value (number or numeric string), else undefined. */
export function seconds(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/** The namespace an object lives in (`default` when unset). */
export function namespaceOf(object: K8sObject): string {
  return object.namespace ?? 'default';
}
