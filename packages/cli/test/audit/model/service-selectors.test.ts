// The Service index against the plain definition (try every Service of the workload's namespace,
// keep those whose selector picks its pod labels, list them by where the first selector key is among
// the pod labels, then in input order), on seeded random inputs where many Services share labels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../../../../test/support/random.ts';
import { serviceSelectors } from '../../../src/audit/model/service-selectors.ts';
import { parseManifests } from '../../../src/manifest/parse.ts';
import { get, namespaceOf, selects, workloadOf } from '../../../src/manifest/workload.ts';

const SEED = Number(process.env.LAMEDUCK_PROPERTY_SEED ?? 20261130);
const KEYS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'tier', 'app', 'track'];
const VALUES = ['shop', 'web', 'r1', 'r2', 'r3', 'stable'];

test(`the Service index finds exactly the Services that select a workload, in order (seed ${SEED})`, () => {
  const { int } = seededRandom(SEED);
  let several = 0;
  const labels = () =>
    KEYS.filter(() => int(3) > 0)
      .sort(() => int(3) - 1)
      .map((k) => `${k}: ${VALUES[int(VALUES.length)]}`);
  for (let run = 0; run < 100; run++) {
    const docs: string[] = [];
    for (let i = 0; i < 30; i++) {
      const ns = `ns${int(2)}`;
      if (int(2)) {
        const selector = labels().slice(0, 1 + int(3));
        docs.push(
          `kind: Service\nmetadata: {name: s${i}, namespace: ${ns}}\nspec:\n  selector: {${selector.join(', ')}}\n`,
        );
      } else {
        docs.push(
          `kind: Deployment\nmetadata: {name: d${i}, namespace: ${ns}}\nspec:\n  template:\n    metadata:\n      labels: {${labels().join(', ')}}\n`,
        );
      }
    }
    const { objects } = parseManifests({ file: 'x.yaml', text: docs.join('---\n'), type: 'yaml' });
    const services = objects.filter((o) => o.kind === 'Service');
    const selecting = serviceSelectors(services);
    for (const o of objects) {
      const workload = workloadOf(o);
      if (!workload) continue;
      const keys = Object.keys(workload.podLabels);
      const firstKey = (s: (typeof services)[number]) =>
        Object.keys(get(s.value, ['spec', 'selector']) as object)[0] as string;
      const expected = services
        .map((s, order) => ({ s, order }))
        .filter(
          ({ s }) =>
            namespaceOf(s) === namespaceOf(o) &&
            selects(get(s.value, ['spec', 'selector']), workload.podLabels, true),
        )
        .sort(
          (a, b) => keys.indexOf(firstKey(a.s)) - keys.indexOf(firstKey(b.s)) || a.order - b.order,
        )
        .map(({ s }) => s.name);
      if (expected.length > 1) several++;
      assert.deepEqual(
        selecting(workload).map((s) => s.name),
        expected,
        `seed ${SEED}, run ${run}, ${o.name}`,
      );
    }
  }
  assert.ok(several > 20, `only ${several} workloads selected by several Services`);
});
