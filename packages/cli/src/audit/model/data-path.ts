import { asRecord, get } from '../../manifest/workload.js';
import type { Exposure } from './topology.js';

/** The preStop delay the traffic path in front of a pod needs, and why. */
export interface DataPath {
  readonly seconds: number;
  readonly reason: string;
}

/** kube-proxy rewrites rules at most once a second after the EndpointSlice change reaches every node. */
export const KUBE_PROXY_SECONDS = 5;
/** In-cluster ingress controllers route to pod IPs and apply endpoint changes on their own loop. */
export const INGRESS_SECONDS = 10;
/** AWS load balancers with ip targets deregister through the controller and the ELB API: tens of seconds. */
export const CLOUD_IP_TARGET_SECONDS = 30;

const annotations = (o: { value: Record<string, unknown> }) =>
  asRecord(get(o.value, ['metadata', 'annotations']));

/** Whether a Service or Ingress makes an AWS load balancer send traffic straight to pod IPs. */
export function awsIpTargets(exposure: Exposure): string | undefined {
  for (const s of exposure.services) {
    const a = annotations(s);
    if (
      a['service.beta.kubernetes.io/aws-load-balancer-nlb-target-type'] === 'ip' ||
      a['service.beta.kubernetes.io/aws-load-balancer-type'] === 'nlb-ip'
    ) {
      return `Service "${s.name}" (AWS NLB, target-type ip)`;
    }
  }
  for (const i of exposure.ingresses) {
    if (annotations(i)['alb.ingress.kubernetes.io/target-type'] === 'ip')
      return `Ingress "${i.name}" (AWS ALB, target-type ip)`;
  }
  return undefined;
}

/** The longest delay any hop in front of the workload needs before the pod may stop taking requests. */
export function dataPathOf(exposure: Exposure): DataPath {
  const aws = awsIpTargets(exposure);
  if (aws)
    return {
      seconds: CLOUD_IP_TARGET_SECONDS,
      reason: `${aws}: target deregistration takes tens of seconds`,
    };
  const ingress = exposure.ingresses[0];
  if (ingress)
    return {
      seconds: INGRESS_SECONDS,
      reason: `Ingress "${ingress.name}": the controller learns of endpoint changes on its own loop`,
    };
  return {
    seconds: KUBE_PROXY_SECONDS,
    reason: 'kube-proxy on every node must drop the endpoint first',
  };
}
