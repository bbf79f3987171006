import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAccounting, formatReport } from '../../../src/lab/report/table.ts';
import { scenario } from './fixture.ts';

test('the accounting line shows every scheduled request as ok or failed, and nothing else', () => {
  const lines = formatAccounting(scenario('a', 3_000));
  assert.deepEqual(lines, [
    'a: 30 requests scheduled in 3.0 s (30 expected at the rate; keepalive 30), 27 ok + 3 failed',
  ]);
});

test('requests with no outcome, a short schedule and never-sent requests are warned about, never hidden', () => {
  const base = scenario('a', 3_000);
  const lines = formatAccounting({
    ...base,
    ok: 20,
    failed: 3,
    traffic: { ...base.traffic, expected: 60, sent: 28 },
  });
  assert.match(lines[0] ?? '', /20 ok \+ 3 failed, 2 never sent$/);
  assert.ok(
    lines.includes(
      'a: warning: 7 of the 30 requests scheduled have no outcome (neither ok nor failed): these figures are incomplete',
    ),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => /the clients scheduled 30 requests where the rate asks for 60/.test(l)),
    lines.join('\n'),
  );
});

test('the failure strips align with the longest scenario name', () => {
  const report = formatReport([
    scenario('a', 3_000),
    scenario('a-much-longer-scenario-name', 3_000),
  ]);
  const strips = report.split('\n').filter((l) => / \|[·0-9#]*\|$/.test(l));
  assert.equal(strips.length, 2, report);
  assert.equal(new Set(strips.map((l) => l.indexOf('|'))).size, 1, strips.join('\n'));
});
