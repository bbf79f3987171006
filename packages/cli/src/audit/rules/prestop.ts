import { isRecord } from '../../core/records.js';
import type { K8sObject } from '../../manifest/types.js';
import { type Container, get, seconds, type Workload } from '../../manifest/workload.js';
import type { Edit, Finding } from '../finding.js';
import { appendToMap, replaceEntry, replaceScalar, spliceScalar } from '../fix/yaml-edit.js';
import { dataPathOf } from '../model/data-path.js';
import { type Drain, drainOf } from '../model/drain.js';
import { shellLessImage } from '../model/image.js';
import { type KubeVersion, nativeSleep, versionText } from '../model/kube-version.js';
import { type PreStop, preStopDelay, preStopOf } from '../model/prestop-hook.js';
import { servingContainers } from '../model/serving.js';
import { baseName, isShell } from '../model/shell.js';
import { rolledOut, servingRule } from './container-rule.js';
import {
  type AuditOptions,
  DEFAULT_GRACE_SECONDS,
  finding,
  MARGIN_SECONDS,
  type ManifestRule,
} from './rule.js';

/** The preStop hook lines for a delay, native `sleep` from 1.30, else `exec sleep`. */
function hookLines(delay: number, version: KubeVersion): string[] {
  return nativeSleep(version)
    ? ['preStop:', '  sleep:', `    seconds: ${delay}`]
    : ['preStop:', '  exec:', `    command: ["sleep", "${delay}"]`];
}

/** Edits that add a preStop delay to a container, or [undefined] when that cannot be done safely. */
function addPreStop(
  object: K8sObject,
  container: Container,
  delay: number,
  version: KubeVersion,
): (Edit | undefined)[] {
  const lifecycle = container.spec.lifecycle;
  const lines = hookLines(delay, version);
  if (isRecord(lifecycle)) return [appendToMap(object, [...container.path, 'lifecycle'], lines)];
  if (lifecycle !== undefined && lifecycle !== null) return [undefined];
  return [appendToMap(object, container.path, ['lifecycle:', ...lines.map((l) => `  ${l}`)])];
}

/**
 * What can delay SIGTERM in an image without a shell or `sleep` on a cluster without the native
 * sleep action: spelled out, since nothing can be written for it.
 */
function shellLessOptions(image: string, reason: string, delay: number): string {
  return `image "${image}" has no shell and no sleep binary (${reason}), so an exec preStop cannot run in it, and Kubernetes < 1.30 has no native sleep action. Options: (1) on Kubernetes >= 1.30, lifecycle.preStop.sleep.seconds: ${delay}; (2) an httpGet preStop hook to an endpoint of the app that answers after ${delay}s (lameduck's GET /prestop on its admin port does); (3) let the app keep serving ${delay}s after SIGTERM before it closes its listeners (lameduck's drainDelay); (4) the image's debug variant, or a static sleep binary copied into it`;
}

function hookAdvice(container: Container, delay: number, version: KubeVersion): string {
  if (nativeSleep(version))
    return `add lifecycle.preStop.sleep.seconds: ${delay} (native sleep action, Kubernetes >= 1.30)`;
  const image = String(container.spec.image ?? '');
  const shellLess = shellLessImage(image);
  if (shellLess) return shellLessOptions(image, shellLess, delay);
  return `add lifecycle.preStop.exec.command: ["sleep", "${delay}"] (Kubernetes < 1.30 has no native sleep action)`;
}

/** An exec preStop hook that needs a shell or `sleep` in an image that has neither: it fails. */
function failingExecHook(container: Container, hook: PreStop): string | undefined {
  const image = String(container.spec.image ?? '');
  const reason = shellLessImage(image);
  if (!reason) return undefined;
  const argv =
    hook.kind === 'exec-sleep' ? ['sleep'] : hook.kind === 'other' ? hook.exec : undefined;
  const first = argv?.[0];
  if (first === undefined) return undefined;
  const program = baseName(first);
  return program === 'sleep' || isShell(program) ? program : undefined;
}

export const preStopMissing = servingRule(
  {
    id: 'prestop-missing',
    severity: 'warning',
    title: 'Serving container without a preStop delay',
    why: 'SIGTERM and endpoint removal start at the same moment, so without a preStop delay the app stops while kube-proxy and load balancers still send it new connections.',
  },
  (workload, { container, via, exposure }, options) => {
    const hook = preStopOf(container);
    const need = dataPathOf(exposure);
    const image = String(container.spec.image ?? '');
    const shellLess = shellLessImage(image);
    const failing = failingExecHook(container, hook);
    if (failing && hook.kind !== 'none' && hook.kind !== 'sleep') {
      const seconds = Math.max(preStopDelay(hook), need.seconds);
      const native = nativeSleep(options.kubeVersion);
      return {
        path: [...container.path, 'lifecycle', 'preStop'],
        message: `container "${container.name}": the preStop hook runs ${failing}, which image "${image}" does not have (${shellLess}): the hook fails and SIGTERM comes at once`,
        fix: native
          ? `use the native sleep action: lifecycle.preStop.sleep.seconds: ${seconds}`
          : shellLessOptions(image, shellLess ?? '', seconds),
        edits: native
          ? [
              replaceEntry(
                workload.object,
                [...container.path, 'lifecycle', 'preStop'],
                hookLines(seconds, options.kubeVersion),
              ),
            ]
          : [undefined],
      };
    }
    if (hook.kind === 'sleep' && !nativeSleep(options.kubeVersion)) {
      // The sleep action is beta (on by default) from 1.30; older kubelets drop the field.
      const seconds = Math.max(hook.seconds, need.seconds);
      return {
        path: hook.path.slice(0, -1),
        message: `container "${container.name}": the native preStop sleep action needs Kubernetes >= 1.30, so on ${versionText(options.kubeVersion)} there is no delay before SIGTERM`,
        fix: hookAdvice(container, seconds, options.kubeVersion).replace(/^add /, 'use '),
        edits: shellLess
          ? [undefined]
          : [
              replaceEntry(
                workload.object,
                hook.path.slice(0, -1),
                hookLines(seconds, options.kubeVersion)
                  .slice(1)
                  .map((l) => l.slice(2)),
              ),
            ],
      };
    }
    if (hook.kind !== 'none') return undefined;
    return {
      path: container.path,
      message: `container "${container.name}" serves traffic through ${via} and has no preStop hook; it needs about ${need.seconds}s (${need.reason})`,
      fix: hookAdvice(container, need.seconds, options.kubeVersion),
      edits:
        shellLess && !nativeSleep(options.kubeVersion)
          ? [undefined]
          : addPreStop(workload.object, container, need.seconds, options.kubeVersion),
    };
  },
  { rollout: true },
);

export const preStopTooShort = servingRule(
  {
    id: 'prestop-too-short',
    severity: 'warning',
    title: 'preStop delay shorter than the data path needs',
    why: 'A preStop delay shorter than the time the proxies and load balancers in front need to stop routing lets the app stop while new requests still arrive.',
  },
  (workload, { container, exposure }) => {
    const hook = preStopOf(container);
    if (hook.kind !== 'sleep' && hook.kind !== 'exec-sleep') return undefined;
    if (failingExecHook(container, hook)) return undefined; // prestop-missing says the hook fails
    const need = dataPathOf(exposure);
    if (hook.seconds >= need.seconds) return undefined;
    const edit =
      hook.kind === 'sleep'
        ? replaceScalar(workload.object, hook.path, String(need.seconds))
        : spliceScalar(
            workload.object,
            hook.path,
            hook.offset,
            hook.token.length,
            String(need.seconds),
          );
    return {
      path: hook.path,
      message: `container "${container.name}": preStop delays SIGTERM by ${hook.seconds}s, the data path needs about ${need.seconds}s (${need.reason})`,
      fix: `raise the preStop sleep to ${need.seconds}s (and terminationGracePeriodSeconds with it)`,
      edits: [edit],
    };
  },
  { rollout: true },
);

function graceEdit(
  object: K8sObject,
  podSpecPath: readonly (string | number)[],
  grace: number,
  present: boolean,
): Edit | undefined {
  const path = [...podSpecPath, 'terminationGracePeriodSeconds'];
  return present
    ? replaceScalar(object, path, String(grace))
    : appendToMap(object, podSpecPath, [`terminationGracePeriodSeconds: ${grace}`]);
}

/** The container whose preStop + drain + margin exceeds the grace period the most, if any. */
function worstContainer(
  topology: Parameters<ManifestRule['check']>[0],
  workload: Workload,
  servingList: readonly { container: Container }[],
  grace: number,
  options: AuditOptions,
): { container: Container; delay: number; need: number; drain: Drain } | undefined {
  const serving = new Set(servingList.map((s) => s.container));
  let worst: { container: Container; delay: number; need: number; drain: Drain } | undefined;
  for (const container of workload.containers) {
    const delay = preStopDelay(preStopOf(container));
    if (!serving.has(container) && delay === 0) continue;
    const drain = drainOf(topology, workload, container, options.appDrainSeconds);
    const need = delay + drain.seconds + MARGIN_SECONDS;
    if (need > grace && (!worst || need > worst.need)) worst = { container, delay, need, drain };
  }
  return worst;
}

export const graceBudget: ManifestRule = {
  id: 'grace-budget',
  severity: 'warning',
  title: 'preStop delay and drain do not fit in the grace period',
  why: 'The grace period counts from before the preStop hook, so whatever the preStop sleep uses is taken from the drain, and the kubelet SIGKILLs the container when the period ends.',
  check(topology, options: AuditOptions) {
    const out: Finding[] = [];
    for (const workload of topology.workloads) {
      if (!rolledOut(workload)) continue;
      const raw = get(workload.podSpec, ['terminationGracePeriodSeconds']);
      const grace = seconds(raw) ?? DEFAULT_GRACE_SECONDS;
      const servingList = servingContainers(topology, workload);
      const metricsOnly =
        servingList.length > 0 && servingList.every((s) => s.audience === 'metrics');
      const worst = worstContainer(topology, workload, servingList, grace, options);
      if (!worst) continue;
      const { container, delay, need, drain } = worst;
      const shown = raw === undefined ? `${grace}s (the default)` : `${grace}s`;
      const fatal = delay >= grace;
      out.push(
        finding(this, workload.object, {
          path:
            raw === undefined
              ? container.path
              : [...workload.podSpecPath, 'terminationGracePeriodSeconds'],
          container: container.name,
          severity: metricsOnly ? 'info' : fatal ? 'error' : this.severity,
          message: fatal
            ? `container "${container.name}": preStop sleeps ${delay}s but terminationGracePeriodSeconds is ${shown}: SIGTERM arrives with at most the kubelet's 2s floor left, then SIGKILL`
            : `container "${container.name}": preStop ${delay}s + drain ${drain.seconds}s (${drain.source}) + margin ${MARGIN_SECONDS}s = ${need}s exceeds terminationGracePeriodSeconds ${shown}`,
          fix: `set terminationGracePeriodSeconds: ${need} (or shorten the preStop delay or the drain)`,
          ...(metricsOnly
            ? {}
            : {
                edits: [graceEdit(workload.object, workload.podSpecPath, need, raw !== undefined)],
              }),
        }),
      );
    }
    return out;
  },
};
