// Fastify 5 with lameduck. Run: node --import tsx examples/fastify/server.ts
//
// lameduck drives Fastify's server itself, so requests that arrive while draining are served (with
// Connection: close) instead of getting Fastify's 503-on-close, and idle keep-alive sockets are ended
// after the delay instead of lingering for Fastify's 72 s keepAliveTimeout. `app.close()` runs last,
// as a hook, so Fastify's onClose hooks (database plugins…) still run — after every request is done.
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { createLameduck, optionsFromEnv } from 'lameduck';

const lameduck = createLameduck(optionsFromEnv(process.env));
const app = Fastify();

app.get<{ Querystring: { ms?: string } }>('/', async (request) => {
  await new Promise((resolve) => setTimeout(resolve, Number(request.query.ms ?? 0)));
  return 'hello from fastify\n';
});

lameduck.register(app.server, { name: 'fastify' });
lameduck.hook('fastify', () => app.close());

await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });
const { port } = app.server.address() as AddressInfo;
process.stdout.write(`${JSON.stringify({ port })}\n`);
