// Shared helpers for the lab tests: a clock, an event log and pods on a fresh loopback block.
import { systemClock } from '../../src/core/clock.ts';
import { EventLog } from '../../src/lab/control-plane/events.ts';
import { Pod } from '../../src/lab/kubelet/pod.ts';
import { randomBlock } from '../../src/lab/network/addresses.ts';
import type { PodTemplate } from '../../src/lab/spec/template.ts';

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function podHarness(pidNamespace = false) {
  const clock = systemClock;
  const log = new EventLog(clock);
  const block = randomBlock();
  const pods: Pod[] = [];
  const make = (template: PodTemplate, onUpdate: (pod: Pod) => void = () => {}, revision = 1) => {
    const pod = new Pod({
      name: `pod-${pods.length + 1}`,
      revision,
      host: block.allocate(),
      template,
      baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      cwd: process.cwd(),
      pidNamespace,
      clock,
      log,
      onUpdate,
    });
    pods.push(pod);
    return pod;
  };
  const cleanup = async () => {
    for (const pod of pods) pod.destroy();
    await Promise.all(pods.map((p) => p.terminated));
  };
  return { clock, log, make, cleanup };
}

/** Resolves when the predicate holds, polling; rejects after `ms` with the message. */
export async function until(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function types(log: EventLog, pod: string): string[] {
  return log.events.filter((e) => e.pod === pod).map((e) => e.type);
}
