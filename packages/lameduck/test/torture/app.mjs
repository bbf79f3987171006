// The torture test's server: one server of PROTOCOL (http | https | h2c | h2) under lameduck, in its
// own process. Every request carries an `x-id`; the moment the app sees one it writes `seen <id>` on
// stdout (synchronously: a pipe is written at once on Linux, so nothing is lost when it exits).
//   GET  /r?ms=N   answers `ok-<id>` after N ms
//   POST /upload   reads the whole body, then answers `ok-<id>:<bytes>`
//   GET  /sse      an event stream that ends with `event: bye` when closing begins
//   upgrade /ws    a raw WebSocket handshake (lameduck's default closes it with 1001)
// It prints {"port","admin"} once listening and `closing <epoch ms>` when closing begins.
import { createHash } from 'node:crypto';
import { readFileSync, writeSync } from 'node:fs';
import { createServer as createHttp } from 'node:http';
import { createServer as createH2c, createSecureServer } from 'node:http2';
import { createServer as createHttps } from 'node:https';
import { createLameduck, optionsFromEnv } from 'lameduck';

const out = (line) => writeSync(1, `${line}\n`);
const lameduck = createLameduck({
  ...optionsFromEnv(process.env),
  firstRequestGrace: Number(process.env.TORTURE_FIRST_REQUEST_GRACE_MS ?? 1000),
});
lameduck.on('phase', ({ phase }) => {
  if (phase === 'closing') out(`closing ${Date.now()}`);
});

function handler(req, res) {
  const id = req.headers['x-id'] ?? '?';
  out(`seen ${id}`);
  const url = new URL(req.url ?? '/', 'http://app');
  if (url.pathname === '/r') {
    setTimeout(() => res.end(`ok-${id}`), Number(url.searchParams.get('ms') ?? 0));
  } else if (url.pathname === '/upload') {
    let bytes = 0;
    req.on('data', (chunk) => {
      bytes += chunk.length;
    });
    req.on('end', () => res.end(`ok-${id}:${bytes}`));
  } else if (url.pathname === '/sse') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const tick = setInterval(() => res.write('data: tick\n\n'), 50);
    const bye = () => {
      clearInterval(tick);
      res.end('event: bye\n\n');
    };
    if (lameduck.closing.aborted) bye();
    else lameduck.closing.addEventListener('abort', bye, { once: true });
    res.on('close', () => clearInterval(tick));
  } else {
    res.statusCode = 404;
    res.end();
  }
}

const tls = {
  key: readFileSync(new URL('../fixtures/test-key.pem', import.meta.url)),
  cert: readFileSync(new URL('../fixtures/test-cert.pem', import.meta.url)),
};
const protocol = process.env.PROTOCOL ?? 'http';
const server =
  protocol === 'https'
    ? createHttps(tls, handler)
    : protocol === 'h2c'
      ? createH2c(handler)
      : protocol === 'h2'
        ? createSecureServer(tls, handler)
        : createHttp(handler);
if ('keepAliveTimeout' in server) server.keepAliveTimeout = 30_000;
server.on('upgrade', (req, socket) => {
  out(`seen ${req.headers['x-id'] ?? '?'}`);
  const accept = createHash('sha1')
    .update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
    .digest('base64');
  socket.on('error', () => {});
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
});
lameduck.register(server);
server.listen(0, '127.0.0.1', async () => {
  const admin = await lameduck.adminAddress();
  out(JSON.stringify({ port: server.address().port, admin: admin?.port }));
});
