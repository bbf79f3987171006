import { test } from 'node:test';
import { assertStories, quickMatrix } from './matrix.ts';

test('cloud load balancer (pinned connections): without draining a long preStop still fails (502 for what was in flight); with draining, and with lameduck, nothing is lost', async () => {
  const results = await quickMatrix(['keepalive-lb', 'keepalive-lb-drain'], { lb: 'cloud' });
  assertStories(results, new Set(['http-502', 'http-503']), 4);
});
