import { asArray, asRecord, type Container, get, type Workload } from '../../manifest/workload.js';
import type { Exposure, Topology } from './topology.js';

/** Why a container is considered to serve traffic, for messages. */
export interface Serving {
  readonly container: Container;
  /** e.g. `Service "web"` or `its container ports (no Service in the input selects it)`. */
  readonly via: string;
  readonly exposure: Exposure;
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
 * input's Services do not select serves nothing.
 */
export function servingContainers(topology: Topology, workload: Workload): readonly Serving[] {
  let found = cache.get(workload);
  if (!found) {
    found = findServing(topology, workload);
    cache.set(workload, found);
  }
  return found;
}

/** Workloads belong to one topology, so the answer can be kept with them. */
const cache = new WeakMap<Workload, readonly Serving[]>();

function findServing(topology: Topology, workload: Workload): Serving[] {
  const exposure = topology.exposure(workload);
  const withPorts = workload.containers.filter((c) => asArray(c.spec.ports).length > 0);
  if (exposure.services.length === 0) {
    if (topology.hasServices) return [];
    return withPorts.map((container) => ({
      container,
      via: 'its container ports (no Service in the input selects it)',
      exposure,
    }));
  }
  const via = exposure.services.map((s) => `Service "${s.name}"`).join(', ');
  const targeted = workload.containers.filter((c) => {
    const { numbers, names } = portsOf(c);
    return exposure.services.some((s) =>
      asArray(get(s.value, ['spec', 'ports'])).some((raw) => {
        const p = asRecord(raw);
        const target = p.targetPort ?? p.port;
        return typeof target === 'number' ? numbers.has(target) : names.has(String(target));
      }),
    );
  });
  const chosen = targeted.length
    ? targeted
    : withPorts.length
      ? withPorts
      : workload.containers.slice(0, 1);
  return chosen.map((container) => ({ container, via, exposure }));
}
