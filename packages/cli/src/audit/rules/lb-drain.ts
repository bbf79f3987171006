import type { K8sObject } from '../../manifest/types.js';
import { asArray, asRecord, get, namespaceOf, seconds } from '../../manifest/workload.js';
import type { Finding } from '../finding.js';
import { awsIpTargets } from '../model/data-path.js';
import { isMetricsServicePort } from '../model/metrics.js';
import { ingressServices, type Topology } from '../model/topology.js';
import { finding, type ManifestRule } from './rule.js';

const annotations = (o: K8sObject) => asRecord(get(o.value, ['metadata', 'annotations']));
const SVC = 'service.beta.kubernetes.io/';
const READINESS_GATE = 'elbv2.k8s.aws/pod-readiness-gate-inject';

/** The BackendConfig names a GKE Service annotation binds (`{"default":"x"}` or `{"ports":{"80":"x"}}`). */
function backendConfigNames(service: K8sObject): string[] | undefined {
  const a = annotations(service);
  const raw = a['cloud.google.com/backend-config'] ?? a['beta.cloud.google.com/backend-config'];
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = asRecord(JSON.parse(raw));
    const names = [parsed.default, ...Object.values(asRecord(parsed.ports))].filter(
      (n): n is string => typeof n === 'string',
    );
    return names;
  } catch {
    return [];
  }
}

/** Services that send users to a workload (not only Prometheus to its metrics port). */
function servingServices(topology: Topology): K8sObject[] {
  return topology.objects.filter(
    (o) =>
      o.kind === 'Service' &&
      topology.selectedBy(o).length > 0 &&
      asArray(get(o.value, ['spec', 'ports'])).some(
        (p) => !isMetricsServicePort(o, p, topology.monitors),
      ),
  );
}

function checkService(
  rule: ManifestRule,
  topology: Topology,
  service: K8sObject,
  out: Finding[],
): void {
  const a = annotations(service);
  const keys = Object.keys(a);
  const at = ['metadata', 'annotations'];
  const isClassicAws =
    get(service.value, ['spec', 'type']) === 'LoadBalancer' &&
    keys.some((k) => k.startsWith(`${SVC}aws-load-balancer-`)) &&
    !['nlb', 'nlb-ip', 'external'].includes(String(a[`${SVC}aws-load-balancer-type`] ?? '')) &&
    a[`${SVC}aws-load-balancer-nlb-target-type`] === undefined;
  if (isClassicAws && a[`${SVC}aws-load-balancer-connection-draining-enabled`] !== 'true') {
    out.push(
      finding(rule, service, {
        path: at,
        message: `Service "${service.name}": AWS classic load balancer with connection draining off (the in-tree controller disables it unless asked)`,
        fix: `add annotations ${SVC}aws-load-balancer-connection-draining-enabled: "true" and ${SVC}aws-load-balancer-connection-draining-timeout: "60"`,
      }),
    );
  }
  if (
    keys.some((k) => k.startsWith(`${SVC}alibaba-cloud-loadbalancer-`)) &&
    a[`${SVC}alibaba-cloud-loadbalancer-connection-drain`] !== 'on'
  ) {
    out.push(
      finding(rule, service, {
        path: at,
        message: `Service "${service.name}": Alibaba Cloud load balancer with connection drain off (the default)`,
        fix: `add annotations ${SVC}alibaba-cloud-loadbalancer-connection-drain: "on" and ${SVC}alibaba-cloud-loadbalancer-connection-drain-timeout: "30"`,
      }),
    );
  }
  for (const name of backendConfigNames(service) ?? []) {
    const config = topology.find('BackendConfig', namespaceOf(service), name, service);
    if (!config) continue; // not in the input: cannot tell
    const timeout = seconds(
      get(config.value, ['spec', 'connectionDraining', 'drainingTimeoutSec']),
    );
    if (timeout !== undefined && timeout > 0) continue;
    out.push(
      finding(rule, config, {
        path: ['spec', 'connectionDraining'],
        message: `BackendConfig "${name}" (used by Service "${service.name}"): connectionDraining.drainingTimeoutSec is ${timeout ?? 'missing'}, so GCP drops in-flight requests when a pod leaves the backend`,
        fix: 'set spec.connectionDraining.drainingTimeoutSec: 60',
      }),
    );
  }
}

/** A GKE Ingress backend without any BackendConfig drains nothing (drainingTimeoutSec defaults to 0). */
function checkGkeBackends(
  rule: ManifestRule,
  topology: Topology,
  ingress: K8sObject,
  out: Finding[],
): void {
  for (const name of ingressServices(ingress)) {
    const service = topology.find('Service', namespaceOf(ingress), name, ingress);
    if (
      !service ||
      backendConfigNames(service) !== undefined ||
      topology.selectedBy(service).length === 0
    ) {
      continue;
    }
    out.push(
      finding(rule, service, {
        path: ['metadata'],
        message: `Service "${name}" is a backend of GKE Ingress "${ingress.name}" without a BackendConfig, so connection draining is off (drainingTimeoutSec defaults to 0)`,
        fix: 'add a BackendConfig with spec.connectionDraining.drainingTimeoutSec: 60 and bind it with the annotation cloud.google.com/backend-config: \'{"default": "<name>"}\'',
      }),
    );
  }
}

function checkIngress(
  rule: ManifestRule,
  topology: Topology,
  ingress: K8sObject,
  out: Finding[],
): void {
  const a = annotations(ingress);
  const cls = String(
    get(ingress.value, ['spec', 'ingressClassName']) ?? a['kubernetes.io/ingress.class'] ?? '',
  );
  if (cls === 'gce' || cls === 'gce-internal') checkGkeBackends(rule, topology, ingress, out);
  const agic =
    cls.includes('application-gateway') ||
    Object.keys(a).some((k) => k.startsWith('appgw.ingress.kubernetes.io/'));
  if (agic && a['appgw.ingress.kubernetes.io/connection-draining'] !== 'true') {
    out.push(
      finding(rule, ingress, {
        path: ['metadata', 'annotations'],
        message: `Ingress "${ingress.name}": Azure Application Gateway with connection draining off (the default)`,
        fix: 'add annotations appgw.ingress.kubernetes.io/connection-draining: "true" and appgw.ingress.kubernetes.io/connection-draining-timeout: "30"',
      }),
    );
  }
}

export const lbDrainOff: ManifestRule = {
  id: 'lb-drain-off',
  severity: 'warning',
  kinds: ['Service', 'Ingress', 'BackendConfig', 'Namespace'],
  title: 'Cloud load balancer does not drain connections',
  why: 'A cloud load balancer without connection draining cuts in-flight requests the moment a pod is deregistered, before the pod itself has finished them.',
  check(topology) {
    const out: Finding[] = [];
    for (const service of servingServices(topology)) checkService(this, topology, service, out);
    for (const ingress of topology.objects.filter((o) => o.kind === 'Ingress'))
      checkIngress(this, topology, ingress, out);
    for (const workload of topology.workloads) {
      const exposure = topology.exposure(workload);
      const ip = awsIpTargets(exposure);
      const ns = exposure.namespace;
      if (!ip || !ns || get(ns.value, ['metadata', 'labels', READINESS_GATE]) === 'enabled')
        continue;
      out.push(
        finding(this, ns, {
          path: ['metadata'],
          message: `Namespace "${ns.name}" runs ${workload.object.kind} "${workload.object.name}" behind ${ip} without the pod readiness gate, so a rollout can replace pods faster than the load balancer registers the new ones`,
          fix: `add label ${READINESS_GATE}: enabled to the Namespace (pods created afterwards get the gate)`,
        }),
      );
    }
    return out;
  },
};

export const publishNotReady: ManifestRule = {
  id: 'publish-not-ready',
  severity: 'warning',
  kinds: ['Service'],
  title: 'Service publishes pods that are not ready',
  why: 'publishNotReadyAddresses sends traffic to pods that are starting or draining, which defeats both the readiness probe and the preStop delay.',
  check(topology) {
    const out: Finding[] = [];
    for (const service of topology.objects) {
      if (
        service.kind !== 'Service' ||
        get(service.value, ['spec', 'publishNotReadyAddresses']) !== true
      )
        continue;
      const apps = topology.selectedBy(service).filter((w) => w.object.kind !== 'StatefulSet');
      if (apps.length === 0) continue; // StatefulSet peer discovery needs it
      out.push(
        finding(this, service, {
          path: ['spec', 'publishNotReadyAddresses'],
          message: `Service "${service.name}" sets publishNotReadyAddresses: true and selects ${apps.map((w) => `${w.object.kind} "${w.object.name}"`).join(', ')}`,
          fix: 'remove publishNotReadyAddresses (keep it only on the headless Service a StatefulSet uses for peer discovery)',
        }),
      );
    }
    return out;
  },
};
