// The userspace proxy passes failures on as close as a proxy in user space can to what a client of
// kube-proxy sees: a pod's FIN as a FIN, a closed port as a reset (it had accepted the connection
// already), a pod's reset as a close when the client has nothing more to send (a reset needs unread
// data: Node 20's resetAndDestroy() leaves the process spinning at exit), and a route to a pod that
// is gone as silence.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import { randomBlock } from '../../../src/lab/network/addresses.ts';
import { UserspaceProxy } from '../../../src/lab/network/userspace-proxy.ts';
import { endpoint, instantView } from './views.ts';

async function listen(host: string, onSocket: (s: Socket) => void): Promise<Server> {
  const server = createServer(onSocket);
  server.listen(8080, host);
  await once(server, 'listening');
  return server;
}

/** What a client sees when it sends a request through the proxy: data, a FIN, a reset, or nothing. */
function exchange(host: string, port: number, waitMs = 500): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(data ? `data:${data}` : 'silence');
    }, waitMs);
    socket.on('connect', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    socket.on('data', (chunk) => {
      data += chunk.toString();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code ?? 'error');
    });
    socket.on('end', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(data ? `data:${data}` : 'fin');
    });
  });
}

test('userspace proxy: a pod answer, a pod FIN, a pod reset, a closed port, a gone address', async () => {
  const block = randomBlock();
  const gone = new Set<string>();
  const { controller, view } = instantView();
  const proxy = await UserspaceProxy.listen({
    host: block.service,
    port: 8080,
    nodes: [view],
    gone: (a) => gone.has(a),
  });
  const pod = block.allocate();
  const servers: Server[] = [];
  try {
    const use = async (behaviour: (s: Socket) => void) => {
      const server = await listen(pod, behaviour);
      servers.push(server);
      return server;
    };
    controller.set(endpoint('pod-1', pod, 8080));
    await new Promise((r) => setTimeout(r, 20));
    let server = await use((s) =>
      s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')),
    );
    assert.match(await exchange(block.service, 8080), /^data:HTTP\/1.1 200/);
    server.close();
    server = await use((s) => s.once('data', () => s.end()));
    assert.equal(await exchange(block.service, 8080), 'fin', 'a FIN stays a FIN');
    server.close();
    server = await use((s) => s.once('data', () => s.resetAndDestroy()));
    assert.equal(await exchange(block.service, 8080), 'fin', 'a reset, with nothing left to read');
    server.close();
    await once(server, 'close');
    assert.equal(
      await exchange(block.service, 8080),
      'ECONNRESET',
      'a closed port: refused shows as reset',
    );
    gone.add(pod);
    assert.equal(
      await exchange(block.service, 8080, 700),
      'silence',
      'a gone address answers nothing',
    );
  } finally {
    for (const s of servers) s.close();
    controller.close();
    await proxy.close();
  }
});
