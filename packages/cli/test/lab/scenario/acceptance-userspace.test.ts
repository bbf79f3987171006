import { test } from 'node:test';
import { SCENARIOS } from '../../../src/lab/scenario/builtin.ts';
import { assertStories, quickMatrix } from './matrix.ts';

test('userspace proxy: every scenario accounted; broken ones fail by their mechanism, with closed or reset (refused shows as closed); lameduck loses nothing', async () => {
  const results = await quickMatrix(SCENARIOS, 'userspace', 'off');
  assertStories(results, new Set(['reset', 'closed-before-response']));
});
