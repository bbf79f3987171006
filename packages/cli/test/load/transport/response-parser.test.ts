import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ParseError, ResponseParser } from '../../../src/load/transport/response-parser.ts';

/** Feeds the text in pieces of `size` bytes; returns the result of the last call. */
function feedIn(parser: ResponseParser, text: string, size: number) {
  const bytes = Buffer.from(text, 'latin1');
  let result = parser.feed(Buffer.alloc(0));
  for (let i = 0; i < bytes.length; i += size) result = parser.feed(bytes.subarray(i, i + size));
  return result;
}

const CASES: [string, string, { status: number; keepAlive: boolean }][] = [
  [
    'content-length',
    'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
    { status: 200, keepAlive: true },
  ],
  [
    'chunked with extensions and trailers',
    'HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nwiki\r\n5\r\npedia\r\n0\r\nX-Trailer: 1\r\n\r\n',
    { status: 503, keepAlive: true },
  ],
  [
    'connection close',
    'HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
    { status: 502, keepAlive: false },
  ],
  [
    'HTTP/1.0 without keep-alive',
    'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok',
    { status: 200, keepAlive: false },
  ],
  ['204 without a body', 'HTTP/1.1 204 No Content\r\n\r\n', { status: 204, keepAlive: true }],
  [
    '100 Continue first',
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx',
    { status: 200, keepAlive: true },
  ],
];

for (const [name, text, expected] of CASES) {
  test(`parses a response (${name}) whole and split at every size`, () => {
    for (const size of [1, 2, 3, 7, 1000]) {
      const parser = new ResponseParser();
      parser.reset(false);
      assert.deepEqual(
        feedIn(parser, text, size),
        { done: true, extra: 0, ...expected },
        `size ${size}`,
      );
    }
  });
}

test('a body read until close completes only on close', () => {
  const parser = new ResponseParser();
  parser.reset(false);
  assert.deepEqual(parser.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\nsome body')), { done: false });
  assert.equal(parser.completeOnClose, true);
  assert.equal(parser.status, 200);
});

test('HEAD responses have no body; extra bytes are reported', () => {
  const parser = new ResponseParser();
  parser.reset(true);
  const result = parser.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nXY'));
  assert.deepEqual(result, { done: true, status: 200, keepAlive: true, extra: 2 });
});

test('garbage is a parse error; started tells a silent close from a truncated response', () => {
  const parser = new ResponseParser();
  parser.reset(false);
  assert.equal(parser.started, false);
  assert.throws(() => parser.feed(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')), ParseError);
  parser.reset(false);
  parser.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Le'));
  assert.equal(parser.started, true);
});
