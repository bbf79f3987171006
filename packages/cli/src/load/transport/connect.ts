import { isIP, type LookupFunction, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface ConnectTarget {
  readonly url: URL;
  readonly insecure: boolean;
  /** ALPN protocols to offer over TLS. */
  readonly alpn: readonly string[];
  /** Name resolution; Node's own (getaddrinfo) unless a test injects one. */
  readonly lookup?: LookupFunction | undefined;
}

/** The host to connect to, without the brackets of an IPv6 literal. */
export function targetHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

export function targetPort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** Opens a TCP or TLS socket to the target. Errors arrive as the socket's 'error' event. */
export function openSocket(target: ConnectTarget): Socket {
  const host = targetHost(target.url);
  const port = targetPort(target.url);
  const lookup = target.lookup ? { lookup: target.lookup } : {};
  if (target.url.protocol === 'https:') {
    return tlsConnect({
      host,
      port,
      ...lookup,
      ...(isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: !target.insecure,
      ALPNProtocols: [...target.alpn],
    });
  }
  const socket = netConnect({ host, port, ...lookup });
  socket.setNoDelay(true);
  return socket;
}
