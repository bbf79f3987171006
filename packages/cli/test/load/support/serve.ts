// Listens on loopback with any Node server (HTTPS, HTTP/2) for the test body, then closes it.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

type Closable = NodeJS.EventEmitter & {
  listen(port: number, host: string): unknown;
  close(cb?: () => void): unknown;
  address(): unknown;
};

export async function serve<T>(server: Closable, body: (port: number) => Promise<T>): Promise<T> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    return await body((server.address() as AddressInfo).port);
  } finally {
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    await new Promise((resolve) => server.close(() => resolve(undefined)));
  }
}
