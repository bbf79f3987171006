import type { K8sObject } from '../../manifest/types.js';
import {
  asArray,
  asRecord,
  get,
  namespaceOf,
  selects,
  type Workload,
  workloadOf,
} from '../../manifest/workload.js';
import { type Monitors, monitorsOf } from './metrics.js';

/** What sits in front of a workload, and what it belongs to, across every input. */
export interface Exposure {
  /** Services whose selector picks the workload's pods. */
  readonly services: readonly K8sObject[];
  /** Ingresses that route to one of those Services. */
  readonly ingresses: readonly K8sObject[];
  /** The Namespace object, when it is part of the input. */
  readonly namespace: K8sObject | undefined;
  /** HorizontalPodAutoscalers that target the workload. */
  readonly autoscalers: readonly K8sObject[];
}

/** Every object of the input, indexed for cross-object rules. */
export interface Topology {
  readonly objects: readonly K8sObject[];
  readonly workloads: readonly Workload[];
  /** Whether the input holds any Service (if not, the Services live elsewhere). */
  readonly hasServices: boolean;
  /** The ServiceMonitors and PodMonitors of the input. */
  readonly monitors: Monitors;
  exposure(workload: Workload): Exposure;
  /** Workloads a Service selects. */
  selectedBy(service: K8sObject): Workload[];
  /**
   * An object by kind, namespace and name; when variants of it come from several files, the one
   * closest to `near` (same file, then the most folders in common).
   */
  find(kind: string, namespace: string, name: string, near?: K8sObject): K8sObject | undefined;
}

/** How close two files are: the same file beats any folder; else the number of folders in common. */
function closeness(a: string, b: string): number {
  if (a === b) return Number.MAX_SAFE_INTEGER;
  const x = a.split(/[\\/]/).slice(0, -1);
  const y = b.split(/[\\/]/).slice(0, -1);
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return n;
}

const identity = (o: K8sObject) =>
  `${o.kind}\0${o.kind === 'Namespace' ? '' : namespaceOf(o)}\0${o.name}`;

/**
 * Of objects that are variants of each other (the same kind, namespace and name from different
 * files: overlays, per-environment renders), keeps the one closest to `near`'s file; objects without
 * variants are all kept.
 */
export function closest(objects: readonly K8sObject[], near: K8sObject): K8sObject[] {
  const best = new Map<string, K8sObject>();
  for (const o of objects) {
    const key = identity(o);
    const kept = best.get(key);
    if (
      !kept ||
      closeness(o.source.file, near.source.file) > closeness(kept.source.file, near.source.file)
    )
      best.set(key, o);
  }
  return [...best.values()];
}

/** Names of the Services an Ingress sends traffic to (networking.k8s.io/v1 and the older beta shape). */
export function ingressServices(ingress: K8sObject): string[] {
  const spec = asRecord(ingress.value.spec);
  const backends: unknown[] = [spec.defaultBackend, spec.backend];
  for (const rule of asArray(spec.rules)) {
    for (const path of asArray(get(rule, ['http', 'paths']))) backends.push(asRecord(path).backend);
  }
  const names = new Set<string>();
  for (const backend of backends) {
    const name = get(backend, ['service', 'name']) ?? get(backend, ['serviceName']);
    if (typeof name === 'string') names.add(name);
  }
  return [...names];
}

/**
 * Helm hooks (`helm.sh/hook`: tests, pre-install jobs) run to completion around an install; they
 * never serve and are never rolled out.
 */
export function isHook(object: K8sObject): boolean {
  return get(object.value, ['metadata', 'annotations', 'helm.sh/hook']) !== undefined;
}

export function buildTopology(objects: readonly K8sObject[]): Topology {
  const workloads = objects
    .map(workloadOf)
    .filter((w): w is Workload => w !== undefined && !isHook(w.object));
  const byKey = new Map<string, K8sObject[]>();
  const key = (kind: string, ns: string, name: string) => `${kind}\0${ns}\0${name}`;
  for (const o of objects) push(byKey, identity(o), o);
  const find = (kind: string, namespace: string, name: string, near?: K8sObject) => {
    const all = byKey.get(key(kind, kind === 'Namespace' ? '' : namespace, name)) ?? [];
    return near && all.length > 1 ? closest(all, near)[0] : all.at(-1);
  };
  const services = objects.filter((o) => o.kind === 'Service');
  const ingresses = objects.filter((o) => o.kind === 'Ingress');
  const autoscalers = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
  const cache = new Map<Workload, Exposure>();
  let selected: Map<K8sObject, Workload[]> | undefined;
  const ingressIndex = new Map<string, K8sObject[]>();
  for (const i of ingresses)
    for (const n of ingressServices(i)) push(ingressIndex, `${namespaceOf(i)}\0${n}`, i);
  const autoscalerIndex = new Map<string, K8sObject[]>();
  for (const h of autoscalers) {
    const ref = asRecord(get(h.value, ['spec', 'scaleTargetRef']));
    push(autoscalerIndex, `${namespaceOf(h)}\0${String(ref.kind)}\0${String(ref.name)}`, h);
  }

  // Services by namespace and first selector label, so matching is not services × workloads.
  const serviceIndex = new Map<string, K8sObject[]>();
  for (const s of services) {
    const first = Object.entries(asRecord(get(s.value, ['spec', 'selector'])))[0];
    if (!first) continue;
    const k = `${namespaceOf(s)}\0${first[0]}=${String(first[1])}`;
    push(serviceIndex, k, s);
  }
  const candidates = (workload: Workload): K8sObject[] => {
    const ns = namespaceOf(workload.object);
    const out = new Set<K8sObject>();
    for (const [k, v] of Object.entries(workload.podLabels)) {
      for (const s of serviceIndex.get(`${ns}\0${k}=${v}`) ?? []) out.add(s);
    }
    return [...out];
  };

  const exposure = (workload: Workload): Exposure => {
    const cached = cache.get(workload);
    if (cached) return cached;
    const ns = namespaceOf(workload.object);
    const near = workload.object;
    const front = closest(
      candidates(workload).filter((s) =>
        selects(get(s.value, ['spec', 'selector']), workload.podLabels, true),
      ),
      near,
    );
    const names = new Set(front.map((s) => s.name));
    const result: Exposure = {
      services: front,
      ingresses: closest(
        [...new Set([...names].flatMap((n) => ingressIndex.get(`${ns}\0${n}`) ?? []))],
        near,
      ),
      namespace: find('Namespace', '', ns, near),
      autoscalers: closest(
        autoscalerIndex.get(`${ns}\0${workload.object.kind}\0${workload.object.name}`) ?? [],
        near,
      ),
    };
    cache.set(workload, result);
    return result;
  };

  return {
    objects,
    workloads,
    hasServices: services.length > 0,
    monitors: monitorsOf(objects),
    exposure,
    selectedBy: (service) => {
      if (!selected) {
        selected = new Map();
        for (const w of workloads) for (const svc of exposure(w).services) push(selected, svc, w);
      }
      return selected.get(service) ?? [];
    },
    find,
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
