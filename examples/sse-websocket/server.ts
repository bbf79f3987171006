// Server-sent events and WebSockets under lameduck. Run: node --import tsx examples/sse-websocket/server.ts
// SSE streams end themselves when `lameduck.closing` aborts (the drain delay is over); WebSocket
// clients get close code 1001 (Going Away) through the ws server, then the process exits.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createLameduck, optionsFromEnv } from 'lameduck';
import { type WebSocket, WebSocketServer } from 'ws';

const sockets = new Map<Duplex, WebSocket>();
const lameduck = createLameduck({
  ...optionsFromEnv(process.env),
  // Close through ws so that its state machine knows; without this option lameduck sends the
  // 1001 close frame itself.
  closeUpgraded: (socket) => sockets.get(socket)?.close(1001, 'server shutting down'),
});

const server = createServer((req, res) => {
  if (req.url !== '/events') {
    res.end('GET /events for server-sent events, or open a WebSocket\n');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
  let n = 0;
  const tick = setInterval(() => res.write(`data: ${n++}\n\n`), 100);
  const end = () => {
    clearInterval(tick);
    res.end('event: bye\ndata: server going away, reconnect\n\n');
  };
  lameduck.closing.addEventListener('abort', end, { once: true });
  res.on('close', () => {
    clearInterval(tick);
    lameduck.closing.removeEventListener('abort', end);
  });
});
const wss = new WebSocketServer({ server });
wss.on('connection', (client, request) => {
  sockets.set(request.socket, client);
  client.on('close', () => sockets.delete(request.socket));
  client.on('message', (data) => client.send(data));
});

lameduck.register(server, { name: 'realtime' });
server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
