// Rules about the hops in front of the pods that a rollout takes away: node-local load balancing,
// the ingress-nginx controller's own shutdown, and sidecars that stop before (or after) the app.
import type { K8sObject } from '../../manifest/types.js';
import {
  asArray,
  asRecord,
  type Container,
  containerFlag,
  get,
  seconds,
  type Workload,
} from '../../manifest/workload.js';
import type { Finding } from '../finding.js';
import { dataPathOf } from '../model/data-path.js';
import { drainOf, isIngressNginx } from '../model/drain.js';
import { preStopDelay, preStopOf } from '../model/prestop-hook.js';
import { servesUsers, servingContainers } from '../model/serving.js';
import { rolledOut, servingRule } from './container-rule.js';
import { effective } from './rollout.js';
import { finding, type ManifestRule } from './rule.js';

const replicasOf = (topology: Parameters<ManifestRule['check']>[0], workload: Workload): number => {
  const exposure = topology.exposure(workload);
  const hpa = exposure.autoscalers.map((h) => seconds(get(h.value, ['spec', 'minReplicas'])) ?? 1);
  return (
    seconds(get(workload.object.value, ['spec', 'replicas'])) ?? (hpa.length ? Math.min(...hpa) : 1)
  );
};

/** What makes a rollout leave a node without a local endpoint, or undefined. */
function localGap(
  topology: Parameters<ManifestRule['check']>[0],
  workload: Workload,
): { message: string; fix: string } | undefined {
  const { object } = workload;
  if (object.kind === 'DaemonSet') {
    const rolling = get(object.value, ['spec', 'updateStrategy', 'rollingUpdate']);
    const surge = effective(get(rolling, ['maxSurge']), 1, '0', 'up') ?? 0;
    if (get(object.value, ['spec', 'updateStrategy', 'type']) === 'OnDelete' || surge > 0)
      return undefined;
    return {
      message: `DaemonSet "${object.name}" replaces each node's only pod without surge: while it does, the node has no local endpoint and drops what the load balancer still sends it`,
      fix: 'set updateStrategy.rollingUpdate.maxSurge: 1 and maxUnavailable: 0 (DaemonSet surge, Kubernetes >= 1.25), or externalTrafficPolicy: Cluster',
    };
  }
  if (object.kind !== 'Deployment' && object.kind !== 'StatefulSet') return undefined;
  const replicas = replicasOf(topology, workload);
  if (replicas >= 2) return undefined;
  return {
    message: `${object.kind} "${object.name}" runs ${replicas} replica: during a rollout the nodes holding it lose their only local endpoint, and the load balancer sends to them until its health check fails`,
    fix: 'run at least 2 replicas spread over nodes (topologySpreadConstraints), with maxUnavailable: 0, or use externalTrafficPolicy: Cluster',
  };
}

export const localTrafficPolicy: ManifestRule = {
  id: 'local-traffic-policy',
  severity: 'warning',
  kinds: ['Service'],
  title: 'externalTrafficPolicy: Local with too few pods per node',
  why: 'With externalTrafficPolicy: Local a node only forwards to pods on itself, and its load-balancer health check fails as soon as its last pod terminates; until the load balancer notices, its requests to that node are dropped.',
  check(topology) {
    const out: Finding[] = [];
    for (const service of topology.objects) {
      if (
        service.kind !== 'Service' ||
        get(service.value, ['spec', 'externalTrafficPolicy']) !== 'Local'
      )
        continue;
      for (const workload of topology.selectedBy(service)) {
        if (!servesUsers(topology, workload)) continue;
        const gap = localGap(topology, workload);
        if (!gap) continue;
        out.push(
          finding(this, service, {
            path: ['spec', 'externalTrafficPolicy'],
            message: `Service "${service.name}" (externalTrafficPolicy: Local): ${gap.message}`,
            fix: gap.fix,
          }),
        );
      }
    }
    return out;
  },
};

export const ingressNginxShutdown = servingRule(
  {
    id: 'ingress-nginx-shutdown',
    severity: 'warning',
    title: 'ingress-nginx stops accepting before its endpoints are gone',
    why: "The ingress-nginx controller's preStop (/wait-shutdown) starts its shutdown at once: nginx stops accepting new connections after --shutdown-grace-period (0 by default), while kube-proxy and the load balancers in front still send it traffic.",
  },
  (_workload, { container, exposure }) => {
    if (!isIngressNginx(container)) return undefined;
    const hook = preStopOf(container);
    if (hook.kind !== 'other' || !hook.exec?.[0]?.endsWith('wait-shutdown')) return undefined;
    const raw = containerFlag(container, '--shutdown-grace-period');
    const grace = raw === undefined ? 0 : (seconds(raw.replace(/s$/, '')) ?? 0);
    const need = dataPathOf(exposure);
    if (grace >= need.seconds) return undefined;
    return {
      path: [...container.path, 'args'],
      message: `container "${container.name}": preStop /wait-shutdown with --shutdown-grace-period ${raw ?? 'unset (0)'}: nginx stops taking connections after ${grace}s, the data path needs about ${need.seconds}s (${need.reason})`,
      fix: `add --shutdown-grace-period=${need.seconds} to the controller's args (ingress-nginx keeps serving that long after SIGTERM, failing its health check), and keep terminationGracePeriodSeconds above it + worker-shutdown-timeout`,
    };
  },
  { rollout: true },
);

/** Sidecars the app talks through: stopping them with the app cuts the app off during its drain. */
const CONNECTORS = [
  'cloud-sql-proxy',
  'cloudsql-docker/gce-proxy',
  'alloydb-auth-proxy',
  'cloud-sql-connectors',
];
/** Flags with which such a proxy outlives SIGTERM by itself. */
const OUTLIVES = ['-term_timeout', '--term-timeout', '--max-sigterm-delay'];

function connector(container: Container): boolean {
  const image = String(container.spec.image ?? '');
  return CONNECTORS.some((c) => image.includes(c)) || container.name === 'cloud-sql-proxy';
}

export const sidecarTermination: ManifestRule = {
  id: 'sidecar-termination-order',
  severity: 'warning',
  title: 'Sidecar stops while the app still drains',
  why: 'Regular containers of a pod get SIGTERM at the same time: a database or network proxy beside the app exits at once, and the app loses its connections while it is still finishing requests. Native sidecars (initContainers with restartPolicy: Always) are stopped after the app.',
  check(topology, options) {
    const out: Finding[] = [];
    for (const workload of topology.workloads) {
      if (!rolledOut(workload)) continue;
      const native = asArray(get(workload.podSpec, ['initContainers'])).filter(
        (c) => asRecord(c).restartPolicy === 'Always',
      );
      for (const raw of native) nativeSidecarFinding(this, topology, workload, asRecord(raw), out);
      const serving = servingContainers(topology, workload).filter((s) => s.audience === 'users');
      if (serving.length === 0) continue;
      const appNeeds = Math.max(
        ...serving.map(
          (s) =>
            preStopDelay(preStopOf(s.container)) +
            drainOf(topology, workload, s.container, options.appDrainSeconds).seconds,
        ),
      );
      for (const container of workload.containers) {
        if (!connector(container) || serving.some((s) => s.container === container)) continue;
        if (OUTLIVES.some((f) => containerFlag(container, f) !== undefined)) continue;
        if (preStopDelay(preStopOf(container)) >= appNeeds) continue;
        out.push(
          finding(this, workload.object, {
            path: container.path,
            container: container.name,
            message: `container "${container.name}" (${String(container.spec.image ?? '')}) gets SIGTERM with the app and exits at once, while the app needs about ${appNeeds}s (preStop + drain) with its connections`,
            fix: `make it a native sidecar (move it to initContainers with restartPolicy: Always, Kubernetes >= 1.29), which stops after the app; or let it outlive the app (cloud-sql-proxy v2: --max-sigterm-delay=${appNeeds}s; v1: -term_timeout=${appNeeds}s)`,
          }),
        );
      }
    }
    return out;
  },
};

/**
 * A native sidecar the Service reaches (a proxy in front of the app) stops only after the app: the app
 * must wait with its own preStop, or the sidecar forwards requests to an app that has stopped.
 */
function nativeSidecarFinding(
  rule: ManifestRule,
  topology: Parameters<ManifestRule['check']>[0],
  workload: Workload,
  sidecar: Record<string, unknown>,
  out: Finding[],
): void {
  const ports = new Set<unknown>();
  for (const p of asArray(sidecar.ports)) {
    ports.add(asRecord(p).containerPort);
    ports.add(asRecord(p).name);
  }
  const reached = topology
    .exposure(workload)
    .services.some((s) =>
      asArray(get(s.value, ['spec', 'ports'])).some((p) =>
        ports.has(asRecord(p).targetPort ?? asRecord(p).port),
      ),
    );
  if (!reached) return;
  const name = String(sidecar.name ?? 'sidecar');
  for (const app of workload.containers) {
    if (preStopOf(app).kind !== 'none') continue;
    const need = dataPathOf(topology.exposure(workload)).seconds;
    out.push(
      finding(rule, workload.object as K8sObject, {
        path: app.path,
        container: app.name,
        message: `the Service reaches the pod through native sidecar "${name}", which stops only after the app: container "${app.name}" gets SIGTERM at once and "${name}" keeps forwarding requests to it`,
        fix: `give "${app.name}" a preStop delay of about ${need}s (lifecycle.preStop.sleep.seconds: ${need}) so it outlives the endpoint removal like the sidecar does`,
      }),
    );
  }
}
