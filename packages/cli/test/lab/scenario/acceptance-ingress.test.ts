import { test } from 'node:test';
import { SCENARIOS } from '../../../src/lab/scenario/builtin.ts';
import { assertStories, quickMatrix } from './matrix.ts';

test('built-in ingress with pinned upstream keep-alive: broken scenarios can only fail with 502/503; lameduck loses nothing', async () => {
  const results = await quickMatrix(SCENARIOS, 'userspace', 'builtin');
  assertStories(results, new Set(['http-502', 'http-503']));
});
