// Listens on loopback with any Node server (HTTPS, HTTP/2) for the test body, then closes it.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

type Closable = NodeJS.EventEmitter & {
  listen(port: number, host: string): unknown;
  close(cb?: () => void): unknown;
  address(): unknown;
};

export async function serve<T>(server: Closable, body: (port: number) => Promise<T>): Promise<T> {
  // an HTTP/2 server closes only once every session has: end those the test left open
  const sessions = new Set<{ destroy(): void }>();
  server.on('session', (session: { destroy(): void; once(e: string, f: () => void): void }) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    return await body((server.address() as AddressInfo).port);
  } finally {
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    for (const session of sessions) session.destroy();
    await new Promise((resolve) => server.close(() => resolve(undefined)));
  }
}
