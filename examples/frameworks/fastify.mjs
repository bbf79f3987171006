// Fastify 5 in zero-code mode: node --import lameduck/auto examples/frameworks/fastify.mjs
// The app is a plain Fastify app; two lines hand Fastify's own shutdown to lameduck, so that its
// onClose hooks (database plugins…) run after the drain — after the last request — instead of never.
import Fastify from 'fastify';
import { lameduck } from 'lameduck/auto';

const app = Fastify();
app.get('/', async (request) => {
  await new Promise((resolve) => setTimeout(resolve, Number(request.query.ms ?? 0)));
  return 'hello from fastify';
});
app.addHook('onClose', async () => {
  // Where a database plugin would close its pool.
  process.stdout.write(`${JSON.stringify({ onClose: Date.now() })}\n`);
});
lameduck.hook('fastify', () => app.close());

await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`);
