// A controllable endpoint view for data-path tests: changes apply when the test says so.
import { systemClock } from '../../../src/core/clock.ts';
import {
  type Endpoint,
  EndpointController,
  type EndpointView,
} from '../../../src/lab/control-plane/endpoints.ts';

export function endpoint(pod: string, host: string, port: number, terminating = false): Endpoint {
  return { pod, host, port, ready: !terminating, serving: true, terminating };
}

/** One view that applies every change at once (propagation fixed:0). */
export function instantView(name = 'node-1'): {
  controller: EndpointController;
  view: EndpointView;
} {
  const controller = new EndpointController();
  const view = controller.watch({
    name,
    propagation: { kind: 'fixed', ms: 0 },
    clock: systemClock,
  });
  return { controller, view };
}
