import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import type { Server as NetServer } from 'node:net';
import { LameduckError } from './errors.js';
import type { ServerKind } from './tracked-server.js';

let http2Classes: { plain: object; secure: object } | undefined;

/** The prototypes of Node's HTTP/2 server classes, which node:http2 does not export. */
export function http2Prototypes(): { plain: object; secure: object } {
  http2Classes ??= {
    plain: Object.getPrototypeOf(http2.createServer()) as object,
    secure: Object.getPrototypeOf(http2.createSecureServer({})) as object,
  };
  return http2Classes;
}

/** Tells which kind of HTTP server this is; anything else is rejected with a typed error. */
export function serverKind(server: unknown): ServerKind {
  if (server instanceof https.Server) return 'https';
  if (server instanceof http.Server) return 'http';
  const { plain, secure } = http2Prototypes();
  if (typeof server === 'object' && server !== null) {
    if (Object.prototype.isPrototypeOf.call(secure, server)) return 'http2-secure';
    if (Object.prototype.isPrototypeOf.call(plain, server)) return 'http2';
  }
  const name =
    (server as { constructor?: { name?: string } } | null)?.constructor?.name ?? typeof server;
  throw new LameduckError(
    'ERR_LAMEDUCK_UNSUPPORTED_SERVER',
    `register() takes a node:http, node:https or node:http2 server (for a framework, pass its underlying server, e.g. fastify.server), received ${name}`,
  );
}

export function isNetServer(server: unknown): server is NetServer {
  return typeof server === 'object' && server !== null && 'listen' in server && 'close' in server;
}
