import { test } from 'node:test';
import { hasCommand } from '../system.ts';
import { assertStories, quickMatrix } from './matrix.ts';

/** What an ingress answers for a pod that refuses, resets, or does not answer: 5xx only. */
const FIVE_XX = new Set(['http-502', 'http-503', 'http-504']);

test('built-in ingress (per-request balancing, upstream keep-alive): the stories fail with 5xx only; lameduck loses nothing', async () => {
  const results = await quickMatrix(['sigterm-exit', 'lameduck'], { ingress: 'builtin' });
  assertStories(results, FIVE_XX, 4);
});

test('real nginx, reloaded on every endpoint change: the stories fail with nginx 502/503/504; lameduck loses nothing', {
  skip: hasCommand('nginx') ? false : 'nginx is not installed (scripts/system-deps.mjs installs it as root)',
}, async () => {
  const results = await quickMatrix(['graceful-no-delay', 'lameduck'], { ingress: 'nginx' });
  assertStories(results, FIVE_XX, 4);
});

test('real haproxy, endpoints through its runtime API: the stories fail with haproxy 502/503/504; lameduck loses nothing', {
  skip: hasCommand('haproxy') ? false : 'haproxy is not installed (scripts/system-deps.mjs installs it as root)',
}, async () => {
  const results = await quickMatrix(['graceful-no-delay', 'lameduck'], { ingress: 'haproxy' });
  assertStories(results, FIVE_XX, 4);
});
