// The cloud load balancer pins a client connection to a pod; when it removes the pod, draining off
// drops what is in flight (502), draining on keeps the connection on the pod for the drain, then
// moves it at its next request — never touching a request in flight.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, createServer, request, type Server } from 'node:http';
import { test } from 'node:test';
import { systemClock } from '../../../src/core/clock.ts';
import { randomBlock } from '../../../src/lab/network/addresses.ts';
import { CloudLb } from '../../../src/lab/network/cloud-lb.ts';
import { endpoint, instantView } from './views.ts';

/** A pod that answers with its name after `ms`. */
async function pod(host: string, name: string, ms: number): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    setTimeout(() => res.end(name), ms);
  });
  server.listen(8080, host);
  await once(server, 'listening');
  return server;
}

/** One request over the given agent (one keep-alive client connection): the status and body. */
function get(url: string, agent: Agent): Promise<string> {
  return new Promise((resolve) => {
    const req = request(url, { agent }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    req.end();
  });
}

async function setup(drainMs: number | undefined) {
  const block = randomBlock();
  const { controller, view } = instantView('lb');
  const a = block.allocate();
  const b = block.allocate();
  const pods = [await pod(a, 'a', 300), await pod(b, 'b', 300)];
  controller.set(endpoint('a', a, 8080));
  await new Promise((r) => setTimeout(r, 20));
  const lb = await CloudLb.listen({
    host: `${block.prefix}.2`,
    port: 8080,
    view,
    drainMs,
    clock: systemClock,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const close = async () => {
    agent.destroy();
    controller.close();
    await lb.close();
    for (const p of pods) p.close();
  };
  return { controller, lb, agent, a, b, close };
}

test('cloud LB, draining off: removing the pod drops the request in flight on its connection (502); the next one goes to another pod', async () => {
  const { controller, lb, agent, a, b, close } = await setup(undefined);
  try {
    assert.equal(await get(lb.url, agent), '200 a', 'pinned to a');
    controller.set(endpoint('b', b, 8080));
    const inFlight = get(lb.url, agent);
    await new Promise((r) => setTimeout(r, 100));
    controller.set(endpoint('a', a, 8080, true)); // a terminates: the LB removes it
    assert.equal(await inFlight, '502 bad gateway\n');
    assert.equal(await get(lb.url, agent), '200 b');
  } finally {
    await close();
  }
});

test('cloud LB, draining on: the pinned connection keeps its pod for the drain, requests in flight finish, then it moves', async () => {
  const { controller, lb, agent, a, b, close } = await setup(600);
  try {
    assert.equal(await get(lb.url, agent), '200 a');
    controller.set(endpoint('b', b, 8080));
    const inFlight = get(lb.url, agent);
    await new Promise((r) => setTimeout(r, 100));
    controller.set(endpoint('a', a, 8080, true));
    assert.equal(await inFlight, '200 a', 'the request in flight finishes');
    assert.equal(await get(lb.url, agent), '200 a', 'still pinned during the drain');
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(await get(lb.url, agent), '200 b', 'moved after the drain');
  } finally {
    await close();
  }
});
