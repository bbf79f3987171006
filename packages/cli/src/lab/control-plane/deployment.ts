import { type Clock, sleep } from '../../core/clock.js';
import type { Pod } from '../kubelet/pod.js';
import { resolveFenceposts } from '../spec/quantity.js';
import type { DeploymentSpec, PodTemplate } from '../spec/template.js';

export interface DeploymentOptions {
  readonly spec: DeploymentSpec;
  readonly clock: Clock;
  /** Creates (and starts) a pod of the given revision. */
  readonly createPod: (template: PodTemplate, revision: number) => Pod;
  /** How often the controller re-evaluates (it also wakes on every pod update). */
  readonly resyncMs?: number;
}

/** When a rollout happened, as readings of the controller's clock. */
export interface RolloutResult {
  readonly revision: number;
  readonly startedAt: number;
  /** When the new revision was fully available and every old pod had been deleted. */
  readonly completedAt: number;
  /** When the last old pod finished terminating. */
  readonly settledAt: number;
}

/**
 * The deployment controller: keeps `replicas` pods of the current revision and replaces old ones with
 * the RollingUpdate arithmetic of pkg/controller/deployment/rolling.go (maxSurge / maxUnavailable, with
 * minReadySeconds deciding availability) or with Recreate (all old pods gone before new ones start).
 */
export class Deployment {
  readonly pods: Pod[] = [];
  revision = 0;
  readonly #o: DeploymentOptions;
  #wake: (() => void) | undefined;

  constructor(options: DeploymentOptions) {
    this.#o = options;
  }

  /** A pod changed: re-evaluate now. */
  poke(): void {
    this.#wake?.();
  }

  /** Rolls out a new revision of the template and waits until it is complete and old pods are gone. */
  async rollout(signal: AbortSignal, template = this.#o.spec.template): Promise<RolloutResult> {
    const revision = ++this.revision;
    const startedAt = this.#o.clock.now();
    let completedAt: number | undefined;
    while (!signal.aborted) {
      this.#reap();
      const done =
        this.#o.spec.strategy.type === 'Recreate'
          ? this.#recreate(template, revision)
          : this.#rollingUpdate(template, revision);
      if (done) {
        completedAt ??= this.#o.clock.now();
        if (this.pods.every((p) => p.revision === revision)) break;
      }
      await this.#waitForChange(signal);
    }
    if (signal.aborted) throw signal.reason ?? new Error('rollout aborted');
    return {
      revision,
      startedAt,
      completedAt: completedAt ?? startedAt,
      settledAt: this.#o.clock.now(),
    };
  }

  isAvailable(pod: Pod): boolean {
    return (
      pod.phase === 'running' &&
      pod.ready &&
      pod.readySince !== undefined &&
      this.#o.clock.now() - pod.readySince >= this.#o.spec.minReadyMs
    );
  }

  #rollingUpdate(template: PodTemplate, revision: number): boolean {
    const { spec } = this.#o;
    if (spec.strategy.type !== 'RollingUpdate') return false;
    const { replicas } = spec;
    const { maxSurge, maxUnavailable } = resolveFenceposts(
      spec.strategy.maxSurge,
      spec.strategy.maxUnavailable,
      replicas,
    );
    const active = this.pods.filter((p) => p.phase === 'running');
    const fresh = active.filter((p) => p.revision === revision);
    const old = active.filter((p) => p.revision !== revision);
    // reconcileNewReplicaSet: never more than replicas + maxSurge pods (terminating ones don't count).
    const scaleUp = Math.min(replicas + maxSurge - active.length, replicas - fresh.length);
    for (let i = 0; i < scaleUp; i++) this.pods.push(this.#o.createPod(template, revision));
    // reconcileOldReplicaSets: keep at least replicas - maxUnavailable available.
    const all = this.pods.filter((p) => p.phase === 'running');
    const minAvailable = replicas - maxUnavailable;
    const freshNow = all.filter((p) => p.revision === revision);
    const newUnavailable = freshNow.filter((p) => !this.isAvailable(p)).length;
    let budget = all.length - minAvailable - newUnavailable;
    // cleanupUnhealthyReplicas: old pods that are not available go first.
    for (const pod of old.filter((p) => !this.isAvailable(p))) {
      if (budget <= 0) break;
      pod.delete();
      budget--;
    }
    const available = this.pods.filter((p) => this.isAvailable(p)).length;
    let scaleDown = Math.min(budget, available - minAvailable);
    for (const pod of old.filter((p) => this.isAvailable(p))) {
      if (scaleDown <= 0) break;
      pod.delete();
      scaleDown--;
    }
    const stillOld = this.pods.some((p) => p.phase === 'running' && p.revision !== revision);
    return !stillOld && freshNow.length === replicas && freshNow.every((p) => this.isAvailable(p));
  }

  #recreate(template: PodTemplate, revision: number): boolean {
    const old = this.pods.filter((p) => p.revision !== revision);
    for (const pod of old) pod.delete();
    if (old.length > 0) return false; // wait until every old pod has terminated
    const fresh = this.pods.filter((p) => p.phase === 'running');
    for (let i = fresh.length; i < this.#o.spec.replicas; i++) {
      this.pods.push(this.#o.createPod(template, revision));
    }
    return (
      this.pods.length === this.#o.spec.replicas && this.pods.every((p) => this.isAvailable(p))
    );
  }

  /** Forgets pods that finished terminating. */
  #reap(): void {
    for (let i = this.pods.length - 1; i >= 0; i--) {
      if (this.pods[i]?.phase === 'terminated') this.pods.splice(i, 1);
    }
  }

  async #waitForChange(signal: AbortSignal): Promise<void> {
    const woken = new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
    await Promise.race([woken, sleep(this.#o.clock, this.#o.resyncMs ?? 100, signal)]);
    this.#wake = undefined;
  }
}
