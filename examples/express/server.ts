// Express 5 with lameduck. Run: node --import tsx examples/express/server.ts
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLameduck, optionsFromEnv } from 'lameduck';

const lameduck = createLameduck(optionsFromEnv(process.env));
const app = express();

app.get('/', (req, res) => {
  const ms = Number(req.query.ms ?? 0);
  setTimeout(() => res.send('hello from express\n'), ms);
});

// app.listen returns the node:http server; register it right away (before it accepts connections).
const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
lameduck.register(server, { name: 'express' });
