import { test } from 'node:test';
import { assertStories, quickMatrix } from './matrix.ts';

test('userspace proxy: every request accounted; broken scenarios fail by their mechanism with reset, closed or timeout (refused shows as reset); the fixed ones lose nothing', async () => {
  const results = await quickMatrix(
    ['sigterm-exit', 'shell-entrypoint', 'lameduck', 'shell-entrypoint+run'],
    { proxy: 'userspace' },
  );
  assertStories(results, new Set(['reset', 'closed-before-response', 'timeout']), 3);
});
