import type { Clock } from '../../core/clock.js';
import type { Endpoint, EndpointView } from '../control-plane/endpoints.js';
import { compiledSibling } from '../scenario/paths.js';
import { FrontServer } from './front-server.js';
import { postUntilApplied, ServerProcess } from './server-process.js';

export interface CloudLbProcessOptions {
  readonly host: string;
  readonly port: number;
  /** The load balancer's own view of its backends. */
  readonly view: EndpointView;
  /** Connection draining in ms; undefined: off. */
  readonly drainMs: number | undefined;
  readonly pidNamespace: boolean;
  readonly env: Readonly<Record<string, string>>;
  readonly clock: Clock;
}

/**
 * The lab's side of the cloud load balancer (cloud-lb.ts), which runs as a process of its own
 * (cloud-lb-process.ts), like nginx and haproxy: after the load balancer's propagation delay, the
 * backends its view lists as usable are POSTed to it, as a cloud controller calls its provider.
 */
export class CloudLbProcess extends FrontServer {
  readonly #o: CloudLbProcessOptions;

  private constructor(options: CloudLbProcessOptions, server: ServerProcess) {
    super(server, options.host, options.port);
    this.#o = options;
  }

  static async start(options: CloudLbProcessOptions): Promise<CloudLbProcess> {
    const server = await ServerProcess.start({
      name: 'lb',
      host: options.host,
      port: options.port,
      pidNamespace: options.pidNamespace,
      env: options.env,
      clock: options.clock,
      files: () => ({}),
      command: () => [
        process.execPath,
        compiledSibling('../network/cloud-lb-process'),
        options.host,
        String(options.port),
        options.drainMs === undefined ? 'off' : String(options.drainMs),
        String(options.port + 2),
      ],
    });
    const lb = new CloudLbProcess(options, server);
    await lb.#post(options.view.usable());
    lb.follow(options.view, () => lb.#post(options.view.usable()));
    return lb;
  }

  /** Sends the backends, retrying as a controller does until the change is applied. */
  async #post(endpoints: readonly Endpoint[]): Promise<void> {
    const body = endpoints.map((e) => `${e.host}:${e.port}/${e.pod}`).join(',');
    await postUntilApplied(
      `http://${this.#o.host}:${this.#o.port + 2}/backends`,
      body,
      () => this.closed,
      this.#o.clock,
    );
  }
}
