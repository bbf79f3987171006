// The cloud load balancer as a process of its own, as a real one is: the lab's process sends load
// and runs the proxies; at 1,000 requests/s an L7 proxy in that same event loop would measure the
// lab, not the data path. Run as `node cloud-lb-process.js <host> <port> <drainMs|off> <configPort>`.
// The lab POSTs the backends its view lists as usable (`host:port/pod,…`) to
// http://<host>:<configPort>/backends, the way a cloud controller calls its provider's API.
import { createServer } from 'node:http';
import { systemClock } from '../../core/clock.js';
import type { Endpoint } from '../control-plane/endpoints.js';
import { type BackendView, CloudLb } from './cloud-lb.js';

const [host = '127.0.0.1', portText = '8080', drainText = 'off', configText = '8082'] =
  process.argv.slice(2);
let backends: readonly Endpoint[] = [];
const listeners = new Set<() => void>();
const view: BackendView = {
  usable: () => backends,
  onChange: (listener) => listeners.add(listener),
};

/** `127.1.2.10:8080/web-v1-1,…` → endpoints */
function parse(body: string): Endpoint[] {
  return body
    .split(',')
    .filter(Boolean)
    .map((entry) => {
      const [address = '', pod = ''] = entry.split('/');
      const at = address.lastIndexOf(':');
      return {
        pod,
        host: address.slice(0, at),
        port: Number(address.slice(at + 1)),
        ready: true,
        serving: true,
        terminating: false,
      };
    });
}

const config = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    body += chunk;
  });
  req.on('end', () => {
    backends = parse(body);
    for (const listener of listeners) listener();
    res.end('ok\n');
  });
});

// The configuration endpoint first: the lab knows the load balancer is up when its port answers.
await new Promise<void>((resolve) => config.listen(Number(configText), host, resolve));
const lb = await CloudLb.listen({
  host,
  port: Number(portText),
  view,
  drainMs: drainText === 'off' ? undefined : Number(drainText),
  clock: systemClock,
});
process.stdout.write(`cloud load balancer on ${lb.url}\n`);
