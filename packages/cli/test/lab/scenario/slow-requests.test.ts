// Requests longer than the drain delay, in the scenarios that lose nothing by design. The runtime
// library must let such a request finish after its drain delay; issue #10 (runtime) found that it
// could cut one when an idle keep-alive connection closed at the same time; this test failed before
// that fix (the connection accounting of tracked-server.ts) and guards it.
import { test } from 'node:test';
import { assertStories, quickMatrix } from './matrix.ts';

test('a request longer than the drain delay is never cut by lameduck (10 % of requests take 1.6–2.2 s, the drain delay is 1.5 s)', async () => {
  const results = await quickMatrix(
    ['lameduck', 'shell-entrypoint+run'],
    { proxy: 'userspace' },
    {
      slowShare: 0.1,
    },
  );
  assertStories(results, new Set(), 3);
});
