import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** How long the default handler waits for the peer to answer a WebSocket close before sending FIN. */
export const UPGRADED_LINGER_MS = 1000;

const GOING_AWAY = 1001;
const REASON = Buffer.from('server shutting down');

/** An unmasked WebSocket close frame (RFC 6455 §5.5.1) with status 1001 Going Away. */
export function goingAwayFrame(): Buffer {
  const payload = Buffer.alloc(2 + REASON.length);
  payload.writeUInt16BE(GOING_AWAY, 0);
  REASON.copy(payload, 2);
  return Buffer.concat([Buffer.from([0x88, payload.length]), payload]);
}

export function isWebSocket(request: IncomingMessage): boolean {
  return request.headers.upgrade?.toLowerCase() === 'websocket';
}

/**
 * The default way an upgraded socket is told to go away: a WebSocket gets a close frame 1001 and,
 * once the peer answers (or after a short linger), a FIN; any other upgraded protocol gets a FIN.
 * Apps that own their WebSocket server (ws, socket.io) can pass `closeUpgraded` to close through it.
 */
export function closeUpgradedDefault(socket: Duplex, request: IncomingMessage): void {
  if (socket.destroyed || socket.writableEnded) return;
  if (!isWebSocket(request)) {
    socket.end();
    return;
  }
  socket.write(goingAwayFrame());
  // Node hands upgraded sockets over paused; if the app is not reading this one, read (and drop)
  // what the peer sends, so that its close frame and FIN are seen.
  if (socket.readableFlowing !== true) socket.resume();
  const finish = () => {
    clearTimeout(timer);
    if (!socket.destroyed && !socket.writableEnded) socket.end();
  };
  const timer = setTimeout(finish, UPGRADED_LINGER_MS);
  timer.unref();
  socket.once('end', finish);
  socket.once('close', () => clearTimeout(timer));
}
