import { anySignal } from '../../core/abort.js';
import type { Clock } from '../../core/clock.js';
import type { PodTemplate } from '../spec/template.js';
import type { HandlerTarget } from './handlers.js';
import { runProber } from './prober.js';

export interface PodProbeOptions {
  readonly template: PodTemplate;
  readonly target: HandlerTarget;
  /** Stops every probe (the container exited or the pod is gone). */
  readonly signal: AbortSignal;
  /** Aborted when the pod is deleted: liveness and startup are then forced to success. */
  readonly deleted: AbortSignal;
  readonly onReady: (ready: boolean, detail?: string) => void;
  readonly onLivenessFailure: (detail: string | undefined) => void;
  readonly clock: Clock;
}

/**
 * The kubelet's probe workers for one container: the startup probe first, then readiness (the pod is
 * Ready at once without one) and liveness. Readiness keeps running while the pod terminates
 * (kubernetes #110309); liveness and startup stop when it is deleted (PR #98571).
 */
export function startPodProbes(o: PodProbeOptions): void {
  const { startupProbe, readinessProbe, livenessProbe } = o.template;
  const afterStartup = () => {
    if (readinessProbe) {
      void runProber({
        probe: readinessProbe,
        target: o.target,
        initial: false,
        signal: o.signal,
        clock: o.clock,
        onChange: (ok, detail) => o.onReady(ok, detail),
      });
    } else o.onReady(true);
    if (livenessProbe) {
      void runProber({
        probe: livenessProbe,
        target: o.target,
        initial: true,
        signal: anySignal(o.signal, o.deleted),
        clock: o.clock,
        onChange: (ok, detail) => {
          if (!ok) o.onLivenessFailure(detail);
        },
      });
    }
  };
  if (!startupProbe) {
    afterStartup();
    return;
  }
  const startup = new AbortController();
  void runProber({
    probe: startupProbe,
    target: o.target,
    initial: false,
    signal: anySignal(startup.signal, o.signal, o.deleted),
    clock: o.clock,
    onChange: (ok) => {
      if (!ok) return;
      startup.abort();
      afterStartup();
    },
  });
}
