import {
  asArray,
  asRecord,
  type Container,
  get,
  namespaceOf,
  type Workload,
} from '../../manifest/workload.js';
import { isMetricsContainerPort, isMetricsProxy, isMetricsServicePort } from './metrics.js';
import type { Exposure, Topology } from './topology.js';

/** Why a container is considered to serve traffic, for messages. */
export interface Serving {
  readonly container: Container;
  /** e.g. `Service "web"` or `its container ports (no Service in the input selects it)`. */
  readonly via: string;
  readonly exposure: Exposure;
  /**
   * `users` when a port that is not for metrics reaches it; `metrics` when only Prometheus does
   * (a metrics port, a ServiceMonitor or PodMonitor, a scrape annotation): rules say `info` then.
   */
  readonly audience: 'users' | 'metrics';
}

/** Containers a mesh injects or manages: `image: auto` is replaced by the injector at admission. */
const MESH_SIDECARS = new Set(['istio-proxy', 'linkerd-proxy', 'istio-validation', 'daprd']);

/** Whether a container is written by a mesh injector, not by the manifest's author. */
export function injected(container: Container): boolean {
  return container.spec.image === 'auto' || MESH_SIDECARS.has(container.name);
}

/** Whether a Service of the workload targets a port of a native sidecar (restartPolicy: Always). */
function targetsNativeSidecar(workload: Workload, exposure: Exposure): boolean {
  const ports = new Set<unknown>();
  for (const raw of asArray(workload.podSpec.initContainers)) {
    const c = asRecord(raw);
    if (c.restartPolicy !== 'Always') continue;
    for (const p of asArray(c.ports)) {
      ports.add(asRecord(p).containerPort);
      ports.add(asRecord(p).name);
    }
  }
  return exposure.services.some((s) =>
    asArray(get(s.value, ['spec', 'ports'])).some((p) =>
      ports.has(asRecord(p).targetPort ?? asRecord(p).port),
    ),
  );
}

function portsOf(container: Container): { numbers: Set<number>; names: Set<string> } {
  const numbers = new Set<number>();
  const names = new Set<string>();
  for (const raw of asArray(container.spec.ports)) {
    const port = asRecord(raw);
    if (typeof port.containerPort === 'number') numbers.add(port.containerPort);
    if (typeof port.name === 'string') names.add(port.name);
  }
  return { numbers, names };
}

/**
 * The containers of a workload that take traffic. Behind a Service: those whose ports the Service
 * targets (else every container with ports, else the first). With no Service in the whole input (the
 * Service lives elsewhere), containers that declare ports are assumed to serve. A workload that the
 * input's Services do not select serves nothing. Containers a mesh injects (`image: auto`,
 * `istio-proxy`) are the mesh's to configure and are left out.
 */
export function servingContainers(topology: Topology, workload: Workload): readonly Serving[] {
  let found = cache.get(workload);
  if (!found) {
    found = findServing(topology, workload);
    cache.set(workload, found);
  }
  return found;
}

/** Whether any container of the workload serves users (not only metrics). */
export function servesUsers(topology: Topology, workload: Workload): boolean {
  return servingContainers(topology, workload).some((s) => s.audience === 'users');
}

/** Workloads belong to one topology, so the answer can be kept with them. */
const cache = new WeakMap<Workload, readonly Serving[]>();

function podOf(workload: Workload) {
  const template = workload.podSpecPath.slice(0, -1);
  return {
    labels: workload.podLabels,
    annotations: asRecord(get(workload.object.value, [...template, 'metadata', 'annotations'])),
    namespace: namespaceOf(workload.object),
  };
}

/** Notes that a Service port reaches a container; a users port outranks a metrics one. */
function record(
  audience: Map<Container, Serving['audience']>,
  via: Map<Container, string[]>,
  container: Container,
  metrics: boolean,
  service: string,
): void {
  if (!metrics || !audience.has(container)) audience.set(container, metrics ? 'metrics' : 'users');
  const list = via.get(container) ?? [];
  if (!list.includes(service)) list.push(service);
  via.set(container, list);
}

/**
 * Which containers the Services' ports reach, and whether for users or only for metrics (a metrics
 * port, or a metrics proxy behind it); and whether any port serves users at all.
 */
function reached(
  topology: Topology,
  exposure: Exposure,
  candidates: readonly Container[],
): {
  audience: Map<Container, Serving['audience']>;
  via: Map<Container, string[]>;
  anyUsers: boolean;
} {
  const audience = new Map<Container, Serving['audience']>();
  const via = new Map<Container, string[]>();
  let anyUsers = false;
  for (const service of exposure.services) {
    for (const raw of asArray(get(service.value, ['spec', 'ports']))) {
      const p = asRecord(raw);
      const target = p.targetPort ?? p.port;
      const byPort = isMetricsServicePort(service, raw, topology.monitors);
      const hits = candidates.filter((c) => {
        const { numbers, names } = portsOf(c);
        return typeof target === 'number' ? numbers.has(target) : names.has(String(target));
      });
      if (hits.length === 0 && !byPort) anyUsers = true;
      for (const c of hits) {
        const metrics = byPort || isMetricsProxy(c);
        anyUsers ||= !metrics;
        record(audience, via, c, metrics, service.name);
      }
    }
  }
  return { audience, via, anyUsers };
}

function findServing(topology: Topology, workload: Workload): Serving[] {
  const exposure = topology.exposure(workload);
  const candidates = workload.containers.filter((c) => !injected(c));
  const withPorts = candidates.filter((c) => asArray(c.spec.ports).length > 0);
  if (exposure.services.length === 0) {
    if (topology.hasServices) return [];
    const pod = podOf(workload);
    return withPorts.map((container) => ({
      container,
      via: 'its container ports (no Service in the input selects it)',
      exposure,
      audience: asArray(container.spec.ports).every((p) =>
        isMetricsContainerPort(p, pod, topology.monitors),
      )
        ? 'metrics'
        : 'users',
    }));
  }
  const { audience, via, anyUsers } = reached(topology, exposure, candidates);
  const allVia = exposure.services.map((s) => `Service "${s.name}"`).join(', ');
  // The Service reaches a native sidecar (a front proxy), not the app: sidecar-termination-order.
  if (!audience.size && targetsNativeSidecar(workload, exposure)) return [];
  if (audience.size) {
    return [...audience].map(([container, who]) => ({
      container,
      via: (via.get(container) ?? []).map((n) => `Service "${n}"`).join(', '),
      exposure,
      audience: who,
    }));
  }
  const chosen = withPorts.length ? withPorts : candidates.slice(0, 1);
  return chosen.map((container) => ({
    container,
    via: allVia,
    exposure,
    audience: anyUsers ? 'users' : 'metrics',
  }));
}
