import { test } from 'node:test';
import { SCENARIOS } from '../../src/lab/scenarios.ts';
import { assertStories, quickMatrix } from './matrix.ts';

test('userspace proxy: every naive scenario loses requests (refused and reset show as closed), lameduck none', async () => {
  const results = await quickMatrix(SCENARIOS, 'userspace', 'off');
  assertStories(results, new Set(['reset', 'closed-before-response']));
});
