// The torture test (issue #10): seeded random schedules of connection kinds, protocols and signal
// timings, each checked against invariants that make the shutdown report honest — see
// torture/run.ts. A bounded set runs here; `npm run bench -- runtime` runs hundreds.
//
//   LAMEDUCK_TORTURE_SEED=<seed> npm run test:only -- torture     re-runs one schedule
//   LAMEDUCK_TORTURE_COUNT=<n> LAMEDUCK_TORTURE_FIRST=<seed>       a different set
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSchedule } from './torture/run.ts';
import { describeSchedule, schedule } from './torture/schedule.ts';

const one = process.env.LAMEDUCK_TORTURE_SEED;
const first = Number(process.env.LAMEDUCK_TORTURE_FIRST ?? 1);
const count = one ? 1 : Number(process.env.LAMEDUCK_TORTURE_COUNT ?? 40);
const seeds = one ? [Number(one)] : Array.from({ length: count }, (_, i) => first + i);
const PARALLEL = 3;

test(`torture: ${seeds.length} seeded schedules, the report equals what the clients saw`, async () => {
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < seeds.length) {
      const s = schedule(seeds[next++] as number);
      const result = await runSchedule(s);
      if (result.violations.length > 0) {
        failures.push(
          `${describeSchedule(s)}\n    ${result.violations.join('\n    ')}\n    re-run: LAMEDUCK_TORTURE_SEED=${s.seed} npm run test:only -- torture`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  assert.deepEqual(failures, [], `\n${failures.join('\n')}`);
});
