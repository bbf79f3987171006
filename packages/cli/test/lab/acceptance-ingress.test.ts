import { test } from 'node:test';
import { SCENARIOS } from '../../src/lab/scenarios.ts';
import { assertStories, quickMatrix } from './matrix.ts';

test('built-in ingress with pinned upstream keep-alive: naive scenarios get 502s, lameduck none', async () => {
  const results = await quickMatrix(SCENARIOS, 'userspace', 'builtin');
  assertStories(results, new Set(['http-502', 'http-503']));
});
