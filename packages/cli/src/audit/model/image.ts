// Which container images have no shell (and so no `sleep` binary): an `exec` preStop hook, `sh -c` or
// a shell-form CMD fails in them. Known by the image's name, or, for a Dockerfile, by its base.

/** An image reference split into registry-and-path, tag and digest. */
export interface ImageRef {
  /** `gcr.io/distroless/static`, `node`, `registry.k8s.io/metrics-server/metrics-server`. */
  readonly name: string;
  readonly tag: string;
}

export function parseImage(image: string): ImageRef {
  const at = image.indexOf('@');
  const ref = at === -1 ? image : image.slice(0, at);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  // A colon before the last slash is a registry port (`localhost:5000/app`), not a tag.
  return colon > slash
    ? { name: ref.slice(0, colon), tag: ref.slice(colon + 1) }
    : { name: ref, tag: at === -1 ? 'latest' : '' };
}

/**
 * Images on registry.k8s.io (and its predecessor k8s.gcr.io) that do have a shell. The others — the
 * control-plane and node components, CoreDNS, metrics-server, kube-state-metrics, the CSI sidecars —
 * are built on distroless or scratch.
 */
const K8S_WITH_SHELL = [
  'ingress-nginx/controller', // Alpine-based, with bash (its preStop runs /wait-shutdown)
  'ingress-nginx/controller-chroot',
  'e2e-test-images/',
  'busybox',
  'echoserver',
  'debian-base',
  'build-image/',
  'nginx-slim',
];

/**
 * Why an image has no shell, or undefined when its name does not say (most images have one).
 * Debug variants (`:debug`, `-dev`) that add a busybox shell are not shell-less.
 */
export function shellLessImage(image: string): string | undefined {
  const { name, tag } = parseImage(image.trim());
  const segments = name.split('/');
  const registry = segments.length > 1 && segments[0]?.includes('.') ? segments[0] : '';
  const path = registry ? segments.slice(1).join('/') : name;
  if (name === 'scratch') return 'an image built FROM scratch has no shell';
  if ((segments.includes('distroless') || tag.includes('distroless')) && !tag.startsWith('debug'))
    return 'distroless images have no shell and no sleep binary';
  if (registry === 'cgr.dev' && !tag.includes('-dev') && tag !== 'dev')
    return 'Chainguard images have no shell except their -dev variants';
  if (tag.includes('chiseled')) return 'Ubuntu chiseled images have no shell';
  if (registry === 'gcr.io' && path.startsWith('k8s-staging-'))
    return 'Kubernetes staging images are built on distroless or scratch and have no shell';
  if (
    (registry === 'registry.k8s.io' || registry === 'k8s.gcr.io') &&
    !K8S_WITH_SHELL.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p))
  )
    return `${registry} images are built on distroless or scratch and have no shell`;
  return undefined;
}
