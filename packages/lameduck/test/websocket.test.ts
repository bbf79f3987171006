import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { delay, listen, testLameduck } from './support/harness.ts';
import { RawClient } from './support/raw-client.ts';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

test('a raw upgraded WebSocket gets a close frame 1001 when closing begins, then a FIN', async () => {
  const { lameduck } = testLameduck({ drainDelay: 150 });
  const server = createServer();
  server.on('upgrade', (req, socket) => {
    const accept = createHash('sha1')
      .update(`${req.headers['sec-websocket-key']}${GUID}`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    // A hand-rolled WebSocket app that never closes its sockets by itself.
  });
  lameduck.register(server);
  const port = await listen(server);
  const client = await RawClient.connect(port);
  client.send('/ws', {
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
  });
  const handshake = await client.readBytes(4);
  assert.equal(handshake.toString(), 'HTTP');
  const shutdown = lameduck.shutdown('test');
  await delay(50);
  assert.equal(client.ending, 'open', 'upgraded sockets are untouched while draining');
  // Skip the rest of the 101 response, then read the close frame.
  const frameStart = await (async () => {
    let seen = '';
    while (!seen.endsWith('\r\n\r\n')) seen += (await client.readBytes(1)).toString('latin1');
    return client.readBytes(2);
  })();
  assert.equal(frameStart[0], 0x88, 'FIN + close opcode');
  const payload = await client.readBytes(frameStart[1] as number);
  assert.equal(payload.readUInt16BE(0), 1001);
  assert.equal(payload.subarray(2).toString(), 'server shutting down');
  // The client answers with its own (masked) close frame and half-closes, as browsers do.
  client.socket.end(Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe9]));
  assert.equal(await client.waitEnding(), 'fin');
  const report = await shutdown;
  assert.equal(report.outcome, 'clean');
  assert.equal(report.connections.upgradedClosed, 1);
});

test('with the ws library, clients see close code 1001 and the shutdown ends clean', async () => {
  const { lameduck } = testLameduck({ drainDelay: 150 });
  const server = createServer();
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));
  lameduck.register(server);
  const port = await listen(server);
  const client = new WebSocket(`ws://127.0.0.1:${port}/`);
  await new Promise((resolve) => client.once('open', resolve));
  const echoed = new Promise((resolve) => client.once('message', (data) => resolve(String(data))));
  client.send('hello');
  assert.equal(await echoed, 'hello');
  const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
  const report = await lameduck.shutdown('test');
  assert.equal(await closed, 1001);
  assert.equal(report.outcome, 'clean');
  wss.close();
});

test('closeUpgraded lets the app close its sockets its own way', async () => {
  const closedBy: string[] = [];
  const { lameduck } = testLameduck({
    drainDelay: 100,
    closeUpgraded: (socket) => {
      closedBy.push('app');
      socket.end();
    },
  });
  const server = createServer();
  new WebSocketServer({ server });
  lameduck.register(server);
  const port = await listen(server);
  const client = new WebSocket(`ws://127.0.0.1:${port}/`);
  client.on('error', () => {});
  await new Promise((resolve) => client.once('open', resolve));
  const report = await lameduck.shutdown('test');
  assert.deepEqual(closedBy, ['app']);
  assert.equal(report.outcome, 'clean');
});
