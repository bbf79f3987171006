// Which ports only serve metrics. A pod reached only through them serves Prometheus, not users: a
// scrape that fails during a rollout costs a data point, not a request, so the serving rules say at
// most `info` about it.
import type { K8sObject } from '../../manifest/types.js';
import { asArray, asRecord, get, namespaceOf, selects } from '../../manifest/workload.js';

/** Port names that say "metrics" (Prometheus operator, kube-prometheus, Helm charts' conventions). */
const METRICS_NAMES = new Set([
  'metrics',
  'http-metrics',
  'https-metrics',
  'prometheus',
  'prom',
  'monitoring',
  'telemetry',
  'exporter',
  'http-envoy-prom',
]);

/**
 * Ports that the Prometheus project's default port allocations (prometheus/prometheus wiki) give to
 * exporters, and that nothing else listens on by default; counted only when the port has no name.
 */
const EXPORTER_PORTS = new Set([
  9100, // node_exporter
  9102, // statsd_exporter
  9104, // mysqld_exporter
  9113, // nginx-prometheus-exporter
  9115, // blackbox_exporter
  9121, // redis_exporter
  9153, // CoreDNS metrics
  9187, // postgres_exporter
  9402, // cert-manager metrics
  10254, // ingress-nginx controller metrics
]);

export function isMetricsName(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    METRICS_NAMES.has(lower) ||
    lower.endsWith('-metrics') ||
    lower.startsWith('metrics-') ||
    lower.includes('servicemonitor') ||
    lower.endsWith('-prom')
  );
}

const annotations = (o: K8sObject) => asRecord(get(o.value, ['metadata', 'annotations']));
const labelsOf = (o: K8sObject): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(get(o.value, ['metadata', 'labels']))))
    out[k] = String(v);
  return out;
};

/** Whether a ServiceMonitor or PodMonitor watches objects of `namespace`. */
function watches(monitor: K8sObject, namespace: string): boolean {
  const selector = asRecord(get(monitor.value, ['spec', 'namespaceSelector']));
  if (selector.any === true) return true;
  const names = asArray(selector.matchNames).map(String);
  return names.length ? names.includes(namespace) : namespaceOf(monitor) === namespace;
}

/** The scrape configuration of the input: ServiceMonitors and PodMonitors (prometheus-operator). */
export interface Monitors {
  readonly serviceMonitors: readonly K8sObject[];
  readonly podMonitors: readonly K8sObject[];
}

export function monitorsOf(objects: readonly K8sObject[]): Monitors {
  return {
    serviceMonitors: objects.filter((o) => o.kind === 'ServiceMonitor'),
    podMonitors: objects.filter((o) => o.kind === 'PodMonitor'),
  };
}

/** Whether a container only guards a metrics endpoint: kube-rbac-proxy in front of an exporter. */
export function isMetricsProxy(container: {
  name: string;
  spec: Record<string, unknown>;
}): boolean {
  return (
    container.name === 'kube-rbac-proxy' ||
    String(container.spec.image ?? '').includes('/kube-rbac-proxy')
  );
}

/**
 * Whether a port of a Service is for metrics: by its name, or by the exporter port number when it
 * has none. A ServiceMonitor naming the port, or `prometheus.io/scrape` on the Service, counts only
 * for a headless Service (`clusterIP: None`, what Prometheus discovers endpoints through): apps very
 * often serve users and `/metrics` on the same port, and a monitor on that port does not make it a
 * metrics port.
 */
export function isMetricsServicePort(
  service: K8sObject,
  port: unknown,
  monitors: Monitors,
): boolean {
  const p = asRecord(port);
  const name = typeof p.name === 'string' ? p.name : undefined;
  const target = p.targetPort ?? p.port;
  if (name !== undefined && isMetricsName(name)) return true;
  if (typeof target === 'string' && isMetricsName(target)) return true;
  const numbers = [p.port, p.targetPort].filter((n): n is number => typeof n === 'number');
  const exporter = numbers.length > 0 && numbers.every((n) => EXPORTER_PORTS.has(n));
  if (exporter && name === undefined) return true;
  if (get(service.value, ['spec', 'clusterIP']) !== 'None') return false;
  // Headless: Prometheus discovers its endpoints; an exporter's port number says what it is.
  return exporter || scraped(service, p, target) || monitored(service, name, target, monitors);
}

/** The Service's `prometheus.io/scrape` annotations name this port. */
function scraped(service: K8sObject, p: Record<string, unknown>, target: unknown): boolean {
  const a = annotations(service);
  const scrapePort = a['prometheus.io/port'];
  return (
    String(a['prometheus.io/scrape']) === 'true' &&
    scrapePort !== undefined &&
    (String(scrapePort) === String(p.port) || String(scrapePort) === String(target))
  );
}

/** A ServiceMonitor of the input scrapes this Service through this port. */
function monitored(
  service: K8sObject,
  name: string | undefined,
  target: unknown,
  monitors: Monitors,
): boolean {
  const labels = labelsOf(service);
  const ns = namespaceOf(service);
  return monitors.serviceMonitors.some(
    (monitor) =>
      watches(monitor, ns) &&
      selects(get(monitor.value, ['spec', 'selector']), labels, false) &&
      asArray(get(monitor.value, ['spec', 'endpoints'])).some((endpoint) => {
        const e = asRecord(endpoint);
        return (
          (name !== undefined && e.port === name) ||
          (e.targetPort !== undefined && String(e.targetPort) === String(target))
        );
      }),
  );
}

/** Port names that say a container serves clients; a monitor or annotation never overrides them. */
const SERVING_NAMES = new Set(['http', 'https', 'grpc', 'web', 'api', 'http2', 'h2c']);

/**
 * Whether a container port is for metrics (used when the input has no Service): by name, or by a
 * PodMonitor or the pod's `prometheus.io/port` annotation when its name does not say it serves.
 */
export function isMetricsContainerPort(
  port: unknown,
  pod: {
    labels: Readonly<Record<string, string>>;
    annotations: Record<string, unknown>;
    namespace: string;
  },
  monitors: Monitors,
): boolean {
  const p = asRecord(port);
  const name = typeof p.name === 'string' ? p.name : undefined;
  if (name !== undefined && isMetricsName(name)) return true;
  if (name !== undefined && SERVING_NAMES.has(name.toLowerCase())) return false;
  if (
    String(pod.annotations['prometheus.io/scrape']) === 'true' &&
    String(pod.annotations['prometheus.io/port']) === String(p.containerPort)
  )
    return true;
  for (const monitor of monitors.podMonitors) {
    if (
      !watches(monitor, pod.namespace) ||
      !selects(get(monitor.value, ['spec', 'selector']), pod.labels, false)
    )
      continue;
    for (const endpoint of asArray(get(monitor.value, ['spec', 'podMetricsEndpoints']))) {
      if (name !== undefined && asRecord(endpoint).port === name) return true;
    }
  }
  if (name === undefined && typeof p.containerPort === 'number')
    return EXPORTER_PORTS.has(p.containerPort);
  return false;
}
