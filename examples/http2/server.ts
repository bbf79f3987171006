// HTTP/2 over TLS, with HTTP/1.1 fallback, under lameduck. Run: node --import tsx examples/http2/server.ts
// While draining, HTTP/2 sessions get a GOAWAY once their current streams are accepted, and
// HTTP/1.1 responses carry Connection: close. Uses the test certificate of packages/lameduck.
import { readFileSync } from 'node:fs';
import { createSecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createLameduck, optionsFromEnv } from 'lameduck';

const fixtures = new URL('../../packages/lameduck/test/fixtures/', import.meta.url);
const lameduck = createLameduck(optionsFromEnv(process.env));
const server = createSecureServer(
  {
    key: readFileSync(new URL('test-key.pem', fixtures)),
    cert: readFileSync(new URL('test-cert.pem', fixtures)),
    allowHTTP1: true,
  },
  (req, res) => res.end(`hello over HTTP/${req.httpVersion}\n`),
);
lameduck.register(server, { name: 'h2' });
server.listen(Number(process.env.PORT ?? 3443), process.env.HOST ?? '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
