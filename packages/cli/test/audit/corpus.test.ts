// A corpus of realistic multi-object manifests and Dockerfiles, modelled on what charts render. The
// expected findings were reviewed by hand, one by one, against docs/audit-rules.md.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from './helpers.ts';

const corpus = fileURLToPath(new URL('./corpus/', import.meta.url));

interface JsonFinding {
  file: string;
  line: number;
  rule: string;
  object: { kind: string; name: string };
  fixable: boolean;
}

const EXPECTED = [
  'alb-ip.yaml:3 lb-drain-off Namespace/checkout',
  'alb-ip.yaml:74 prestop-too-short Deployment/checkout fixable',
  'api/Dockerfile:12 dockerfile-npm-start Dockerfile/CMD',
  'api/Dockerfile:12 dockerfile-shell-form Dockerfile/CMD fixable',
  'express-api.yaml:6 lb-drain-off Service/orders-api',
  'express-api.yaml:34 prestop-missing Deployment/orders-api fixable',
  'express-api.yaml:36 signal-lost-shell Deployment/orders-api',
  'express-api.yaml:46 probes-identical Deployment/orders-api',
  'gke-shop.yaml:7 lb-drain-off BackendConfig/shop-backend',
  'gke-shop.yaml:44 grace-budget Deployment/shop fixable',
  'gke-shop.yaml:55 liveness-stricter-than-readiness Deployment/shop',
  'gke-shop.yaml:59 startup-probe-missing Deployment/shop',
  'list.json:11 rollout-zero-capacity Deployment/legacy',
  'list.json:17 grace-budget Deployment/legacy',
  'list.json:20 signal-lost-shell Deployment/legacy fixable',
  'list.json:36 publish-not-ready Service/legacy',
  'workers.yaml:27 signal-lost-shell Deployment/queue-worker',
];

const describe = (f: JsonFinding) =>
  `${f.file}:${f.line} ${f.rule} ${f.object.kind}/${f.object.name}${f.fixable ? ' fixable' : ''}`;

async function auditJson(cwd: string) {
  const run = await runCli(['audit', '--format', 'json', '.'], { cwd });
  return {
    code: run.code,
    report: JSON.parse(run.stdout) as { findings: JsonFinding[]; summary: { objects: number } },
  };
}

test('the corpus yields exactly the reviewed findings', async () => {
  const { code, report } = await auditJson(corpus);
  assert.equal(code, 1);
  assert.deepEqual(report.findings.map(describe), EXPECTED);
  assert.equal(report.summary.objects, 22);
});

test('the clean baseline (podinfo) and the suppressed Containerfile have no findings', async () => {
  const run = await runCli(['audit', 'podinfo.yaml', 'api/Containerfile'], { cwd: corpus });
  assert.equal(run.code, 0, run.stdout);
});

test('--fix on the corpus: only the fixable findings go away and untouched files stay byte-identical', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lameduck-corpus-'));
  try {
    cpSync(corpus, dir, { recursive: true });
    const fixed = await runCli(['audit', '--fix', '.'], { cwd: dir });
    assert.match(fixed.stderr, /fixed 5 finding\(s\) in 5 file\(s\)/);
    const { report } = await auditJson(dir);
    const left = report.findings.map((f) => `${f.rule} ${f.object.kind}/${f.object.name}`);
    const expectedLeft = EXPECTED.filter((e) => !e.endsWith(' fixable')).map((e) =>
      e.split(' ').slice(1).join(' '),
    );
    assert.deepEqual(left.sort(), expectedLeft.sort());
    for (const file of ['podinfo.yaml', 'workers.yaml', 'api/Containerfile']) {
      assert.equal(
        readFileSync(join(dir, file), 'utf8'),
        readFileSync(join(corpus, file), 'utf8'),
        file,
      );
    }
    // In-place fixes change only the value they fix.
    const before = readFileSync(join(corpus, 'alb-ip.yaml'), 'utf8').split('\n');
    const after = readFileSync(join(dir, 'alb-ip.yaml'), 'utf8').split('\n');
    const changed = before.flatMap((line, i) =>
      line === after[i] ? [] : [`${line} → ${after[i]}`],
    );
    assert.deepEqual(changed, ['                seconds: 10 →                 seconds: 30']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
