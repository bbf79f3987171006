// Real servers on loopback that misbehave on purpose, for the load checker's tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';

export async function listen(server: Server | NetServer, port = 0): Promise<number> {
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

export async function close(server: Server | NetServer): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Starts an HTTP server for the test body and closes it afterwards. */
export async function withHttpServer<T>(
  handler: RequestListener,
  body: (url: string, server: Server) => Promise<T>,
): Promise<T> {
  const server = createServer(handler);
  const port = await listen(server);
  try {
    return await body(`http://127.0.0.1:${port}/`, server);
  } finally {
    await close(server);
  }
}

/** Starts a raw TCP server (each connection gets `onConnection`) and closes it afterwards. */
export async function withTcpServer<T>(
  onConnection: (socket: Socket) => void,
  body: (url: string) => Promise<T>,
): Promise<T> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  const port = await listen(server);
  try {
    return await body(`http://127.0.0.1:${port}/`);
  } finally {
    for (const socket of sockets) socket.destroy();
    await close(server);
  }
}

/** A loopback port nobody listens on (it was bound a moment ago, then released). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  const port = await listen(server);
  await close(server);
  return port;
}

export const OK_RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

/** Calls `onRequest` for each complete request head that arrives on the socket. */
export function onRequests(socket: Socket, onRequest: (index: number) => void): void {
  let buffered = '';
  let index = 0;
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('latin1');
    for (let end = buffered.indexOf('\r\n\r\n'); end !== -1; end = buffered.indexOf('\r\n\r\n')) {
      buffered = buffered.slice(end + 4);
      onRequest(index++);
    }
  });
}

const SERVER_SOURCE = `
const http = require('node:http');
const server = http.createServer((req, res) => res.end('ok'));
server.keepAliveTimeout = 60000;
server.listen(Number(process.argv[1]), '127.0.0.1', () => {
  process.stdout.write(String(server.address().port) + '\\n');
});
`;

/** A server in a child process (so it can be killed with SIGKILL); resolves once it listens. */
export async function spawnServer(port = 0): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', SERVER_SOURCE, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  return { child, port: Number(line.toString().trim()) };
}

export async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
