import { helmSourceOf } from '../../manifest/helm-source.js';
import { locate } from '../../manifest/locate.js';
import type { K8sObject } from '../../manifest/types.js';
import { namespaceOf, type Path } from '../../manifest/workload.js';
import type { Edit, Finding, Severity, Subject } from '../finding.js';
import type { KubeVersion } from '../model/kube-version.js';
import type { Topology } from '../model/topology.js';

export interface AuditOptions {
  /** How long the app needs to drain after SIGTERM, in seconds (`--app-drain`). */
  readonly appDrainSeconds: number;
  /** The cluster version fixes target (`--kube-version`). */
  readonly kubeVersion: KubeVersion;
}

/** Seconds kept free after preStop and drain before the kubelet's SIGKILL. */
export const MARGIN_SECONDS = 5;
/** Kubernetes' default `terminationGracePeriodSeconds`. */
export const DEFAULT_GRACE_SECONDS = 30;

export interface RuleMeta {
  readonly id: string;
  readonly severity: Severity;
  /** A short name, e.g. for SARIF `shortDescription`. */
  readonly title: string;
  /** Why it matters, in one sentence. */
  readonly why: string;
}

/** The kinds that run pods: what rules about containers, probes and preStop hooks check. */
export const WORKLOAD_KINDS: readonly string[] = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Pod',
];

export interface ManifestRule extends RuleMeta {
  /** The object kinds it checks (reports list each as passed or failed); workloads when unset. */
  readonly kinds?: readonly string[];
  check(topology: Topology, options: AuditOptions): Finding[];
}

export interface FindingInit {
  readonly path: Path;
  readonly message: string;
  readonly fix: string;
  readonly severity?: Severity;
  readonly container?: string;
  /** Edits `--fix` may apply; an array with an undefined entry means the fix is not safe. */
  readonly edits?: readonly (Edit | undefined)[];
}

/** Kinds without a namespace. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolume',
  'StorageClass',
  'IngressClass',
]);

/** What a finding is about: kind, name, and the namespace unless the kind has none. */
export function subjectOf(object: K8sObject): Subject {
  return {
    kind: object.kind,
    name: object.name,
    ...(CLUSTER_SCOPED.has(object.kind) ? {} : { namespace: namespaceOf(object) }),
  };
}

/** A finding about a Kubernetes object, located at `path` (or the deepest part of it that exists). */
export function finding(rule: RuleMeta, object: K8sObject, init: FindingInit): Finding {
  const edits =
    init.edits?.length && init.edits.every((e) => e !== undefined)
      ? (init.edits as Edit[])
      : undefined;
  const template = helmSourceOf(object);
  return {
    rule: rule.id,
    severity: init.severity ?? rule.severity,
    file: object.source.file,
    position: locate(object, init.path),
    ...(template ? { template: { file: template } } : {}),
    subject: subjectOf(object),
    ...(init.container === undefined ? {} : { container: init.container }),
    message: init.message,
    fix: init.fix,
    ...(edits ? { edits } : {}),
  };
}
