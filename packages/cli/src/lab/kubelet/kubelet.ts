import type { Clock } from '../../core/clock.js';
import type { EventLog } from '../control-plane/events.js';
import type { PodTemplate } from '../spec/template.js';
import { Pod } from './pod.js';

/** The kubelet's part of the lab's settings. */
export interface KubeletSettings {
  /** One PID namespace per pod (root on Linux). */
  readonly pidNamespace: boolean;
}

/** Where pods get their addresses: the pod network's address block. */
export interface PodAddresses {
  allocate(): string;
  release(address: string): void;
}

export interface KubeletOptions extends KubeletSettings {
  /** Environment every container inherits (PATH and friends). */
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly addresses: PodAddresses;
  readonly clock: Clock;
  readonly log: EventLog;
  /** Called on every pod update (the endpoint and deployment controllers watch pods). */
  readonly onPodUpdate: (pod: Pod) => void;
  /** A container exited before its pod was ever ready (exit code and last message). */
  readonly onStartFailure?: (pod: Pod, detail: string) => void;
}

/**
 * The node agent of the lab: runs the pods the deployment controller creates, each on its own
 * address, and gives the address back when the pod is gone. `close()` SIGKILLs whatever still runs.
 */
export class Kubelet {
  readonly pods = new Set<Pod>();
  readonly #o: KubeletOptions;
  #counter = 0;

  constructor(options: KubeletOptions) {
    this.#o = options;
  }

  createPod(template: PodTemplate, revision: number): Pod {
    const o = this.#o;
    const host = o.addresses.allocate();
    const pod = new Pod({
      name: `web-v${revision}-${++this.#counter}`,
      revision,
      host,
      template,
      baseEnv: o.baseEnv,
      cwd: o.cwd,
      pidNamespace: o.pidNamespace,
      clock: o.clock,
      log: o.log,
      ...(o.onStartFailure
        ? { onStartFailure: (p: Pod, d: string) => o.onStartFailure?.(p, d) }
        : {}),
      onUpdate: (p) => {
        if (p.phase === 'terminated') {
          o.addresses.release(host);
          this.pods.delete(p);
        }
        o.onPodUpdate(p);
      },
    });
    this.pods.add(pod);
    return pod;
  }

  /** Why pods are not becoming available: the last crash, or the pods that are not ready. */
  stallReason(): string {
    const pods = [...this.pods].filter((p) => p.phase === 'running');
    const crashing = pods.find((p) => p.lastCrash !== undefined);
    if (crashing) {
      return `pod ${crashing.name} is crashing (${crashing.restarts} restarts; last: ${crashing.lastCrash})`;
    }
    const unready = pods.filter((p) => !p.ready).map((p) => p.name);
    return unready.length ? `pods not ready: ${unready.join(', ')}` : '';
  }

  /** SIGKILLs every pod now, skipping the graceful sequence, and waits until they are gone. */
  async close(): Promise<void> {
    const pods = [...this.pods];
    for (const pod of pods) pod.destroy();
    await Promise.all(pods.map((p) => p.terminated));
  }

  /** Last-resort cleanup from a process-exit handler. */
  closeSync(): void {
    for (const pod of this.pods) pod.destroy();
  }
}
