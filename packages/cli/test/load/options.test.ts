import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runLoad } from '../../src/load/index.ts';
import { resolveOptions } from '../../src/load/options.ts';
import { withHttpServer } from './support/servers.ts';

test('invalid options are rejected before any request, naming the option', async () => {
  await assert.rejects(runLoad({ url: 'ftp://x/', rate: 1 }), {
    name: 'LoadError',
    code: 'ERR_LAMEDUCK_LOAD_INVALID_OPTION',
    exitCode: 2,
    option: 'url',
    message: /"url": expected an http:\/\/ or https:\/\/ URL, received "ftp:\/\/x\/"/,
  });
  await assert.rejects(runLoad({ url: 'http://127.0.0.1/', rate: -5 }), {
    code: 'ERR_LAMEDUCK_LOAD_INVALID_OPTION',
    message: /"rate": expected a number of requests per second > 0, received -5/,
  });
  await assert.rejects(runLoad({ url: 'http://127.0.0.1/', rate: 1, connections: 1.5 }), {
    message: /"connections": expected a whole number >= 1 \(or auto\), received 1.5/,
  });
  await assert.rejects(
    runLoad({ url: 'http://127.0.0.1/', rate: 1, headers: { 'x-a': 'b\r\nc' } }),
    { message: /"headers": expected values without CR or LF, received "b\\r\\nc"/ },
  );
  await assert.rejects(
    runLoad({ url: 'http://127.0.0.1/', rate: 1, http2: true, headers: { Connection: 'close' } }),
    {
      message:
        /"headers": expected no connection-specific header with HTTP\/2, received "Connection"/,
    },
  );
});

test('with the flags the options came from, errors name the flag instead', () => {
  const flags = { method: '--method', rate: '--rate', url: '<url>' } as const;
  assert.throws(
    () => resolveOptions({ url: 'http://127.0.0.1/', rate: 1, method: 'GE T' }, flags),
    {
      code: 'ERR_LAMEDUCK_LOAD_INVALID_OPTION',
      option: 'method',
      message: 'lameduck load: --method expects an HTTP method token, got "GE T"',
    },
  );
  assert.throws(() => resolveOptions({ url: 'http:///', rate: 1 }, flags), {
    message: /^lameduck load: <url> expects/,
  });
  // an option without a flag keeps its own name
  assert.throws(
    () => resolveOptions({ url: 'http://127.0.0.1/', rate: 1, connections: 0 }, flags),
    {
      message: /^Invalid option "connections"/,
    },
  );
});

test('defaults are filled in once', () => {
  const resolved = resolveOptions({ url: 'http://127.0.0.1:8080/x?y=1', rate: 10, method: 'post' });
  assert.equal(resolved.method, 'POST');
  assert.equal(resolved.connections, 'auto');
  assert.equal(resolveOptions({ url: 'http://127.0.0.1/', closedLoop: true }).connections, 64);
  assert.equal(resolved.timeoutMs, 10_000);
  assert.equal(resolved.durationMs, null);
  assert.equal(resolved.url.href, 'http://127.0.0.1:8080/x?y=1');
});

test('credentials never reach the recorded options', async () => {
  await withHttpServer(
    (req, res) => res.end(req.headers.authorization ?? ''),
    async (url) => {
      const withUser = url.replace('http://', 'http://user:secret@');
      const result = await runLoad({
        url: withUser,
        rate: 20,
        durationMs: 100,
        headers: { Cookie: 'a=b' },
      });
      assert.equal(result.totals.ok, 2);
      assert.doesNotMatch(JSON.stringify(result.options), /secret|a=b/);
      assert.equal(result.options.headers.Cookie, '<redacted>');
    },
  );
});
