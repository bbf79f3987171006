// node:http with lameduck. Run: node --import tsx examples/plain-http/server.ts
// Try: curl localhost:9000/readyz, then kill -TERM <pid> while curl -s localhost:3000/?ms=2000 runs.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLameduck, optionsFromEnv } from 'lameduck';

const lameduck = createLameduck(optionsFromEnv(process.env));

const server = createServer((req, res) => {
  const ms = Number(new URL(req.url ?? '/', 'http://app').searchParams.get('ms') ?? 0);
  setTimeout(() => res.end('hello from plain node:http\n'), ms);
});
lameduck.register(server, { name: 'api' });
lameduck.hook('flush-metrics', async () => {
  // Close database pools, flush queues and logs here: this runs after every request has been served.
});

server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
