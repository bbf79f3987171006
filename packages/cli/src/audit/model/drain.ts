// How long a container needs after SIGTERM to finish what it is doing: `--app-drain`, unless the
// workload says otherwise (annotation) or it is a proxy whose own configuration says how long it waits.
import { parseDuration } from 'lameduck/duration';
import {
  asRecord,
  type Container,
  containerFlag,
  get,
  namespaceOf,
  type Workload,
} from '../../manifest/workload.js';
import type { Topology } from './topology.js';

export const DRAIN_ANNOTATION = 'lameduck.dev/app-drain';
/** ingress-nginx `worker-shutdown-timeout` default (ConfigMap), seconds. */
export const NGINX_WORKER_SHUTDOWN_SECONDS = 240;

export interface Drain {
  readonly seconds: number;
  /** Where the number comes from, for messages: `--app-drain`, the annotation, ingress-nginx. */
  readonly source: string;
}

const toSeconds = (text: string, what: string): number | undefined => {
  try {
    return Math.ceil(parseDuration(text.trim(), what) / 1000);
  } catch {
    return undefined;
  }
};

/** The ingress-nginx controller, by its image. */
export const isIngressNginx = (container: Container): boolean =>
  /ingress-nginx\/controller/.test(String(container.spec.image ?? ''));

/**
 * The ingress-nginx controller drains for `worker-shutdown-timeout` (its ConfigMap, named by
 * `--configmap`) plus `--shutdown-grace-period` (ingress-nginx docs: configmap, cli-arguments).
 */
function nginxDrain(
  topology: Topology,
  workload: Workload,
  container: Container,
): Drain | undefined {
  if (!isIngressNginx(container)) return undefined;
  const ref = containerFlag(container, '--configmap')?.replace(
    '$(POD_NAMESPACE)',
    namespaceOf(workload.object),
  );
  const [ns, name] = ref?.includes('/') ? ref.split('/') : [namespaceOf(workload.object), ref];
  const config = name ? topology.find('ConfigMap', ns ?? '', name, workload.object) : undefined;
  const configured = get(config?.value, ['data', 'worker-shutdown-timeout']);
  const worker =
    (typeof configured === 'string'
      ? toSeconds(configured, 'worker-shutdown-timeout')
      : undefined) ?? NGINX_WORKER_SHUTDOWN_SECONDS;
  const grace =
    toSeconds(
      `${containerFlag(container, '--shutdown-grace-period') ?? '0'}s`,
      '--shutdown-grace-period',
    ) ?? 0;
  return {
    seconds: worker + grace,
    source: 'ingress-nginx worker-shutdown-timeout + --shutdown-grace-period',
  };
}

export function drainOf(
  topology: Topology,
  workload: Workload,
  container: Container,
  appDrainSeconds: number,
): Drain {
  const annotations = [
    asRecord(get(workload.object.value, ['metadata', 'annotations']))[DRAIN_ANNOTATION],
    asRecord(
      get(workload.object.value, [...workload.podSpecPath.slice(0, -1), 'metadata', 'annotations']),
    )[DRAIN_ANNOTATION],
  ];
  for (const value of annotations) {
    const seconds = typeof value === 'string' ? toSeconds(value, DRAIN_ANNOTATION) : undefined;
    if (seconds !== undefined) return { seconds, source: `annotation ${DRAIN_ANNOTATION}` };
  }
  return (
    nginxDrain(topology, workload, container) ?? { seconds: appDrainSeconds, source: '--app-drain' }
  );
}
