import { lookup as dnsLookup } from 'node:dns';
import { isIP, type LookupFunction, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface ConnectTarget {
  readonly url: URL;
  readonly insecure: boolean;
  /** ALPN protocols to offer over TLS. */
  readonly alpn: readonly string[];
  /** Name resolution: one of `sharedLookup`'s. */
  readonly lookup: LookupFunction;
}

/** The host to connect to, without the brackets of an IPv6 literal. */
export function targetHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

export function targetPort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** `http://a:80` and `http://a` are one origin: one pool of connections. */
export function originKey(url: URL): string {
  return `${url.protocol}//${targetHost(url)}:${targetPort(url)}`;
}

/**
 * Name resolution for a run: `base` (Node's getaddrinfo unless a test injects one), with every
 * lookup of a name that is still being resolved waiting for that one instead of starting another. A
 * slow resolver then holds one of libuv's four threads, not all of them, and the run ends on time.
 */
export function sharedLookup(base: LookupFunction = dnsLookup): LookupFunction {
  const pending = new Map<string, ((...args: unknown[]) => void)[]>();
  return ((hostname: string, options: object, callback: (...args: unknown[]) => void) => {
    const key = `${hostname}\u0000${JSON.stringify(options)}`;
    const waiting = pending.get(key);
    if (waiting) {
      waiting.push(callback);
      return;
    }
    pending.set(key, [callback]);
    base(
      hostname,
      options as never,
      ((...args: unknown[]) => {
        const callbacks = pending.get(key) ?? [];
        pending.delete(key);
        for (const cb of callbacks) cb(...args);
      }) as never,
    );
  }) as LookupFunction;
}

/** Whether opening a socket to `url` starts with resolving its host name. */
export function needsLookup(url: URL): boolean {
  return isIP(targetHost(url)) === 0;
}

/**
 * Opens a TCP or TLS socket to the target. Errors arrive as the socket's 'error' event; a 'lookup'
 * event ends the name resolution (see `needsLookup`).
 */
export function openSocket(target: ConnectTarget): Socket {
  const host = targetHost(target.url);
  const port = targetPort(target.url);
  if (target.url.protocol === 'https:') {
    return tlsConnect({
      host,
      port,
      lookup: target.lookup,
      ...(isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: !target.insecure,
      ALPNProtocols: [...target.alpn],
    });
  }
  const socket = netConnect({ host, port, lookup: target.lookup });
  socket.setNoDelay(true);
  return socket;
}
