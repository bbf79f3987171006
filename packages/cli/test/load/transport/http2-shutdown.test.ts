// HTTP/2 servers that shut sessions down the ways RFC 9113 §6.8 allows, and what a real client must
// make of each: streams above the GOAWAY's last stream id were never processed and are retried once;
// streams at or below it are counted by what really happened to them. The truth each test compares
// with is the server's own count of the responses it completed.
import assert from 'node:assert/strict';
import { createServer, constants as h2, type ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { runLoad } from '../../../src/load/index.ts';
import { assertAccounted, occurred } from '../support/invariants.ts';
import { serve } from '../support/serve.ts';

/** An h2c server whose `onStream(stream, n)` sees each stream with its number in its session (1, 2, …). */
function h2Server(onStream: (stream: ServerHttp2Stream, n: number) => void) {
  const server = createServer();
  const perSession = new WeakMap<object, number>();
  const counts = { completed: 0, sessions: 0 };
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('session', (session) => {
    counts.sessions++;
    session.on('error', () => {});
  });
  server.on('stream', (stream) => {
    stream.on('error', () => {});
    const session = stream.session as object;
    const n = (perSession.get(session) ?? 0) + 1;
    perSession.set(session, n);
    onStream(stream, n);
  });
  /** Answers 200 and counts the response once it has been written completely. */
  const answer = (stream: ServerHttp2Stream) => {
    if (stream.destroyed || stream.closed) return;
    stream.respond({ ':status': 200 });
    stream.end('ok', () => counts.completed++);
  };
  return { server, counts, answer, sockets };
}

test('graceful GOAWAY: streams above its last stream id are retried once on a new session, not failed', async () => {
  // each session answers two streams; the third arrives, and the server says GOAWAY(NO_ERROR) with
  // the second stream as the last one it will process, as a draining server does
  const { server, counts, answer } = h2Server((stream, n) => {
    if (n === 3) stream.session?.goaway(h2.NGHTTP2_NO_ERROR, (stream.id ?? 0) - 2);
    else answer(stream);
  });
  await serve(server, async (port) => {
    const result = await runLoad({
      url: `http://127.0.0.1:${port}/`,
      rate: 40,
      durationMs: 750,
      http2: true,
    });
    assertAccounted(result);
    assert.deepEqual(occurred(result), {}, 'a correctly draining server fails no request');
    assert.equal(result.totals.ok, result.totals.scheduled);
    assert.equal(result.totals.ok, counts.completed, 'every ok is a response the server completed');
    // the third stream of the first session was refused for sure, and retried
    assert.ok(result.totals.retried >= 1, `retried ${result.totals.retried}`);
    const perSecond = result.timeline.reduce((sum, row) => sum + row.retried, 0);
    assert.equal(perSecond, result.totals.retried, 'retries are counted in their second too');
  });
});

test('GOAWAY with an error code: streams at or below the last id still complete; those it cut are goaway-internal-error', async () => {
  // per session: stream 2 is answered late (after the GOAWAY); stream 3 brings GOAWAY(INTERNAL_ERROR)
  // with itself as the last stream id, is never answered, and the connection closes 300 ms later
  let abandoned = 0;
  const { server, counts, answer } = h2Server((stream, n) => {
    if (n === 2) setTimeout(() => answer(stream), 150);
    else if (n === 3) {
      abandoned++;
      const session = stream.session;
      session?.goaway(h2.NGHTTP2_INTERNAL_ERROR, stream.id);
      setTimeout(() => session?.destroy(), 300);
    } else answer(stream);
  });
  await serve(server, async (port) => {
    const result = await runLoad({
      url: `http://127.0.0.1:${port}/`,
      rate: 20,
      durationMs: 1000,
      http2: true,
      timeoutMs: 3000,
    });
    assertAccounted(result);
    assert.equal(
      result.totals.ok,
      counts.completed,
      'the client saw every response the server completed',
    );
    assert.deepEqual(
      occurred(result),
      { 'goaway-internal-error': abandoned },
      'exactly the streams the server accepted and then dropped',
    );
    assert.ok(abandoned >= 1);
    assert.ok(result.samples.some((s) => /INTERNAL_ERROR/.test(s.message)));
  });
});

test('a session whose connection closes (FIN) before the response: closed-before-response, as documented', async () => {
  // the second stream of each session is never answered: the server half-closes the TCP connection
  let cut = 0;
  const { server, answer, sockets } = h2Server((stream, n) => {
    if (n !== 2) return answer(stream);
    cut++;
    setTimeout(() => {
      for (const socket of sockets) socket.end();
    }, 50);
  });
  await serve(server, async (port) => {
    const result = await runLoad({
      url: `http://127.0.0.1:${port}/`,
      rate: 10,
      durationMs: 1000,
      http2: true,
    });
    assertAccounted(result);
    assert.ok(cut >= 1);
    assert.deepEqual(occurred(result), { 'closed-before-response': cut });
  });
});

test('a stream the server resets (RST_STREAM CANCEL) is reset; REFUSED_STREAM is retried once', async () => {
  // per session: the second stream is reset, the third refused
  const { server, answer } = h2Server((stream, n) => {
    if (n === 2) stream.close(h2.NGHTTP2_CANCEL);
    else if (n === 3) stream.close(h2.NGHTTP2_REFUSED_STREAM);
    else answer(stream);
  });
  await serve(server, async (port) => {
    const result = await runLoad({
      url: `http://127.0.0.1:${port}/`,
      rate: 40,
      durationMs: 500,
      http2: true,
    });
    assertAccounted(result);
    const { reset = 0, ...others } = occurred(result);
    assert.ok(reset >= 1, `reset ${reset}`);
    // a refused stream is retried on a new session, where it is the first stream: answered
    assert.deepEqual(others, {});
    assert.ok(result.totals.retried >= 1);
  });
});
