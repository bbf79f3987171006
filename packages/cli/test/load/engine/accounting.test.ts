// Honest accounting against real servers on loopback: every scheduled request appears in the totals
// (ok, failed or cancelled), the client says when it was the bottleneck, and the pool grows with
// what the schedule needs.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { test } from 'node:test';
import { runLoad } from '../../../src/load/index.ts';
import { textReport } from '../../../src/load/report/text.ts';
import { assertAccounted } from '../support/invariants.ts';
import { withHttpServer } from '../support/servers.ts';

test('an abort counts requests still unanswered a second later as cancelled, visibly', async () => {
  // every other request is never answered; the run is aborted once ten were answered
  const controller = new AbortController();
  let n = 0;
  let answered = 0;
  const hanging: ServerResponse[] = [];
  await withHttpServer(
    (_req, res) => {
      if (n++ % 2 === 1) {
        hanging.push(res);
        return;
      }
      res.end('ok');
      if (++answered === 10) controller.abort();
    },
    async (url) => {
      const result = await runLoad({ url, rate: 40, signal: controller.signal, timeoutMs: 30_000 });
      assert.equal(result.aborted, true);
      assertAccounted(result);
      // at least the ten unanswered requests sent before the abort have no outcome
      assert.ok(result.totals.cancelled >= 9, `cancelled ${result.totals.cancelled}`);
      assert.equal(result.totals.failed, 0);
      assert.ok(
        result.client.warnings.some((w) =>
          /had no outcome when the run was interrupted: counted as cancelled/.test(w),
        ),
      );
      assert.match(textReport(result), /cancelled \d+/);
      for (const res of hanging) res.destroy();
    },
  );
});

test('a pool too small for rate × latency: the client says it was saturated, with the figures', async () => {
  await withHttpServer(
    (_req, res) => setTimeout(() => res.end('ok'), 50),
    async (url) => {
      const result = await runLoad({ url, rate: 40, durationMs: 1000, connections: 1 });
      assertAccounted(result);
      // one connection, 50 ms per response, a request every 25 ms: half of them must wait
      assert.ok(
        result.client.waitedForConnection >= 19,
        `waited ${result.client.waitedForConnection}`,
      );
      const warning = result.client.warnings.find((w) => w.startsWith('the client was saturated'));
      assert.ok(warning, result.client.warnings.join('\n'));
      assert.match(
        warning,
        /--connections 1 is too small for rate × latency \(40 req\/s × p50 [\d.]+ ms ≈ \d+ requests in flight\)/,
      );
    },
  );
});

test('connections auto: the pool grows past 64 when rate × latency needs it', async () => {
  // 2,000 requests per second, at least 50 ms each: about 100 in flight at any time; the pool is
  // sized from the median of each second's observations
  await withHttpServer(
    (_req, res) => setTimeout(() => res.end('ok'), 50),
    async (url) => {
      const result = await runLoad({ url, rate: 2000, durationMs: 1500, timeoutMs: 20_000 });
      assertAccounted(result);
      assert.equal(result.options.connections, 'auto');
      // each service time is >= 49 ms (a Node timer may fire 1 ms early): the limit follows
      assert.ok(
        (result.client.autoConnectionLimit ?? 0) >= 2 * 2000 * 0.049,
        `${result.client.autoConnectionLimit}`,
      );
      assert.ok(result.client.peakConnections > 64, `peak ${result.client.peakConnections}`);
      assert.equal(result.totals.failed, 0);
    },
  );
});
