import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.js';
import { DEFAULT_PROBE_PATHS } from './options.js';
import { answerProbe, type CheckRunner, type ProbeState, probeFor, send } from './probes.js';

/** Marks servers lameduck creates itself, so that `lameduck/auto` does not register them. */
export const OWN_SERVER = Symbol.for('lameduck.ownServer');

export interface AdminHandlers {
  probeState(): ProbeState;
  checks: CheckRunner;
  /** Starts (or joins) the shutdown and resolves once the drain delay has elapsed. */
  prestop(): Promise<void>;
  metrics(): string;
}

/**
 * The admin server: /livez, /readyz, /startupz, /prestop and /metrics. It is the only place with a
 * state-changing endpoint (/prestop); the app's own ports never get one.
 */
export function createAdminServer(handlers: AdminHandlers): Server {
  const server = createServer((request, response) => route(handlers, request, response));
  (server as unknown as Record<symbol, boolean>)[OWN_SERVER] = true;
  server.keepAliveTimeout = 1000;
  return server;
}

function route(handlers: AdminHandlers, request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '/').split('?', 1)[0];
  const probe = probeFor(DEFAULT_PROBE_PATHS, path);
  const method = request.method ?? 'GET';
  if (probe) {
    answerProbe(probe, handlers.probeState(), request, response, handlers.checks);
  } else if (path === '/prestop') {
    if (method !== 'GET' && method !== 'POST') {
      send(response, request, 405, 'method not allowed', { allow: 'GET, POST' });
      return;
    }
    handlers.prestop().then(
      () => send(response, request, 200, 'drain delay elapsed'),
      () => send(response, request, 500, 'shutdown failed'),
    );
  } else if (path === '/metrics') {
    if (method !== 'GET' && method !== 'HEAD') {
      send(response, request, 405, 'method not allowed', { allow: 'GET, HEAD' });
      return;
    }
    const text = handlers.metrics().trimEnd();
    send(response, request, 200, text, {}, 'text/plain; version=0.0.4; charset=utf-8');
  } else {
    send(response, request, 404, 'not found');
  }
}

/** Listens; resolves with the address, or rejects with the listen error (e.g. EADDRINUSE). */
export function listenAdmin(
  server: Server,
  port: number,
  host: string | undefined,
): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ port, ...(host === undefined ? {} : { host }) }, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

export function closeAdmin(server: Server): void {
  server.closeAllConnections();
  if (server.listening) server.close();
}

/** Creates and starts the admin server; a listen failure is logged, and the app runs on without it. */
export function startAdmin(
  where: { port: number; host: string | undefined },
  log: Logger,
  handlers: AdminHandlers,
  pid: number,
): { server: Server; listening: Promise<AddressInfo | undefined> } {
  const server = createAdminServer(handlers);
  // The app's own servers keep the process alive; the admin server never does.
  server.unref();
  const { port, host } = where;
  const listening = listenAdmin(server, port, host).then(
    (address) => {
      log.info(
        { event: 'admin-listening', port: address.port, host: address.address, pid },
        'admin server listening',
      );
      return address;
    },
    (error: unknown) => {
      log.error(
        { event: 'admin-listen-failed', err: error, port, host, pid },
        'admin server could not listen; probes, /prestop and /metrics are unavailable',
      );
      return undefined;
    },
  );
  return { server, listening };
}
