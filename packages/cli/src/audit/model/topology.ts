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
  /** An object by kind, namespace and name. */
  find(kind: string, namespace: string, name: string): K8sObject | undefined;
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
    .filter((o) => !isHook(o))
    .map(workloadOf)
    .filter((w): w is Workload => w !== undefined);
  const byKey = new Map<string, K8sObject>();
  const key = (kind: string, ns: string, name: string) => `${kind}\0${ns}\0${name}`;
  for (const o of objects) {
    const ns = o.kind === 'Namespace' ? '' : namespaceOf(o);
    byKey.set(key(o.kind, ns, o.name), o);
  }
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
    const front = candidates(workload).filter((s) =>
      selects(get(s.value, ['spec', 'selector']), workload.podLabels, true),
    );
    const names = new Set(front.map((s) => s.name));
    const result: Exposure = {
      services: front,
      ingresses: [...new Set([...names].flatMap((n) => ingressIndex.get(`${ns}\0${n}`) ?? []))],
      namespace: byKey.get(key('Namespace', '', ns)),
      autoscalers:
        autoscalerIndex.get(`${ns}\0${workload.object.kind}\0${workload.object.name}`) ?? [],
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
    find: (kind, namespace, name) =>
      byKey.get(key(kind, kind === 'Namespace' ? '' : namespace, name)),
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
