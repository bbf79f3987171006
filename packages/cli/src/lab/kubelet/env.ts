import type { DownwardField, EnvValue } from '../spec/template.js';

/** What the pod network and the downward API know of a pod. */
export interface PodIdentity {
  readonly name: string;
  /** The pod's own address (127.x.y.z). */
  readonly ip: string;
  /** The container's port. */
  readonly port: number;
}

/** The namespace every lab pod lives in. */
export const POD_NAMESPACE = 'default';
/** The node's address as a pod sees it: every lab pod runs on this machine. */
export const HOST_IP = '127.0.0.1';

/**
 * The variables the pod network gives every container. In a cluster each pod has its own network
 * namespace, so a server bound to all interfaces or to 127.0.0.1 is private to its pod; the lab's
 * pods share the machine's, each with its own 127.x.y.z, so the servers the lab knows of are pointed
 * at the pod's address instead: the app's (`HOST`, `PORT`) and the lameduck runtime's admin server
 * (`LAMEDUCK_ADMIN_HOST`). The manifest's `env` is applied after these and wins.
 */
export function podNetworkEnv(pod: PodIdentity): Record<string, string> {
  return {
    HOST: pod.ip,
    PORT: String(pod.port),
    POD_NAME: pod.name,
    LAMEDUCK_ADMIN_HOST: pod.ip,
  };
}

function downward(field: DownwardField, pod: PodIdentity): string {
  switch (field) {
    case 'metadata.name':
      return pod.name;
    case 'metadata.namespace':
      return POD_NAMESPACE;
    case 'status.podIP':
    case 'status.podIPs':
      return pod.ip;
    case 'status.hostIP':
    case 'status.hostIPs':
      return HOST_IP;
  }
}

/**
 * A container's environment: the lab's own (`base`: PATH and friends, what the "image" is here),
 * then the pod network's variables, then the manifest's `env` in order, where a downward-API
 * `fieldRef` is resolved and `$(NAME)` expands to a variable defined before it, as the kubelet
 * expands dependent environment variables (an undefined reference is left as it is).
 */
export function containerEnv(
  base: Readonly<Record<string, string>>,
  pod: PodIdentity,
  env: Readonly<Record<string, EnvValue>>,
): Record<string, string> {
  const out: Record<string, string> = { ...base, ...podNetworkEnv(pod) };
  for (const [name, value] of Object.entries(env)) {
    out[name] =
      typeof value === 'string'
        ? value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (ref, key: string) => out[key] ?? ref)
        : downward(value.fieldRef, pod);
  }
  return out;
}
