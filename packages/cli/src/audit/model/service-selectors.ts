// Which Services select a workload's pods, without trying every Service on every workload: every
// release of a chart shares labels such as `app.kubernetes.io/name`, so indexing Services by any one
// label of their selector would still try them all. Each Service is indexed under the pair of its
// selector that the fewest Services of its namespace share (`app.kubernetes.io/instance: r12`): a
// workload the Service selects has every pair of the selector, that one too.
import type { K8sObject } from '../../manifest/types.js';
import { asRecord, get, namespaceOf, selects, type Workload } from '../../manifest/workload.js';

interface Indexed {
  readonly service: K8sObject;
  readonly selector: unknown;
  /** The selector's first key: the order Services are listed in (see `selecting`). */
  readonly firstKey: string;
  /** The Service's place in the input. */
  readonly order: number;
}

const pair = (ns: string, key: string, value: unknown) => `${ns}\0${key}=${String(value)}`;

/**
 * The Services of `services` that select a workload's pods, in the order the audit has always
 * listed them: by where the first key of their selector is among the pod's labels, then in input
 * order.
 */
export function serviceSelectors(
  services: readonly K8sObject[],
): (workload: Workload) => K8sObject[] {
  const entries = services.map((service) => {
    const selector = get(service.value, ['spec', 'selector']);
    const ns = namespaceOf(service);
    return { service, selector, ns, pairs: Object.entries(asRecord(selector)) };
  });
  const shared = new Map<string, number>();
  for (const { ns, pairs } of entries)
    for (const [k, v] of pairs) shared.set(pair(ns, k, v), (shared.get(pair(ns, k, v)) ?? 0) + 1);
  const index = new Map<string, Indexed[]>();
  entries.forEach(({ service, selector, ns, pairs }, order) => {
    // An empty selector selects nothing.
    const [first] = pairs;
    if (!first) return;
    let best = pair(ns, first[0], first[1]);
    for (const [k, v] of pairs) {
      const p = pair(ns, k, v);
      if ((shared.get(p) ?? 0) < (shared.get(best) ?? 0)) best = p;
    }
    const list = index.get(best) ?? [];
    list.push({ service, selector, firstKey: first[0], order });
    index.set(best, list);
  });
  return (workload) => {
    const ns = namespaceOf(workload.object);
    const keys = Object.keys(workload.podLabels);
    const found: Indexed[] = [];
    for (const [k, v] of Object.entries(workload.podLabels)) {
      for (const candidate of index.get(pair(ns, k, v)) ?? []) {
        if (selects(candidate.selector, workload.podLabels, true)) found.push(candidate);
      }
    }
    const place = (i: Indexed) => keys.indexOf(i.firstKey);
    return found.sort((a, b) => place(a) - place(b) || a.order - b.order).map((i) => i.service);
  };
}
