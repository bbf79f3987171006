import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { LUA_MODULES } from '../../../src/lab/network/nginx.ts';
import { hasCommand } from '../system.ts';
import { assertStories, quickMatrix } from './matrix.ts';

/**
 * What a client of an ingress sees when a pod refuses, resets or does not answer: the ingress's
 * 5xx, or its own timeout while the ingress waits on a pod address that is gone (a stale route).
 */
const THROUGH_INGRESS = new Set(['http-502', 'http-503', 'http-504', 'timeout']);

const noNginx = !hasCommand('nginx')
  ? 'nginx is not installed (scripts/system-deps.mjs installs it as root)'
  : false;

test('built-in ingress (per-request balancing, upstream keep-alive): the stories fail with 5xx only; lameduck loses nothing', async () => {
  const results = await quickMatrix(['sigterm-exit', 'lameduck'], { ingress: 'builtin' });
  assertStories(results, THROUGH_INGRESS, 4);
});

test('real nginx with ingress-nginx dynamic endpoints (Lua balancer, no reload): the stories fail with nginx 5xx; lameduck loses nothing', {
  skip:
    noNginx ||
    (LUA_MODULES.every((m) => existsSync(m)) ? false : 'the nginx Lua module is not installed'),
}, async () => {
  const results = await quickMatrix(['graceful-no-delay', 'lameduck'], { ingress: 'nginx' });
  assertStories(results, THROUGH_INGRESS, 4);
});

test('real nginx reloaded on every endpoint change: besides the 5xx of the stories, a reload can cut a keep-alive client whatever the app does (closed or reset)', {
  skip: noNginx,
}, async () => {
  const results = await quickMatrix(['lameduck'], { ingress: 'nginx-reload' });
  const reload = new Set([...THROUGH_INGRESS, 'closed-before-response', 'reset']);
  assertStories(results, reload, 4, new Set());
});

test('real haproxy, endpoints through its runtime API: the stories fail with haproxy 5xx, or a connection closed for the client to retry; lameduck loses nothing', {
  skip: hasCommand('haproxy')
    ? false
    : 'haproxy is not installed (scripts/system-deps.mjs installs it as root)',
}, async () => {
  const results = await quickMatrix(['graceful-no-delay', 'lameduck'], { ingress: 'haproxy' });
  // A request that fails on a reused client connection is not answered 502: haproxy closes the
  // connection (HTTP/2: REFUSED_STREAM) so that the client may retry it.
  assertStories(results, new Set([...THROUGH_INGRESS, 'closed-before-response']), 4);
});
