// Runs `lameduck lab` on an app of its own, as a user would: its command in a manifest of its own,
// load through the lab's default data path. Shared by the Java and Python tests.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/**
 * A Deployment for the lab: 2 replicas, a TCP readiness probe, no preStop (the graceful apps drain
 * on their own), a 6 s grace period, and the app's environment. Requests take 1.5 s, so that the
 * ungraceful variant always has requests in flight on a pod when it dies (the loss is certain,
 * whatever the machine's load); the graceful one keeps serving 1.5 s (> the quick propagation's
 * 500 ms) and then lets what is in flight finish.
 */
export function manifest(
  name: string,
  command: readonly string[],
  env: Record<string, string>,
): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: 2
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      terminationGracePeriodSeconds: 6
      containers:
        - name: app
          command: ${JSON.stringify(command)}
          env:
${Object.entries({ LATENCY_MS: '1500', DRAIN_MS: '1500', ...env })
  .map(([k, v]) => `            - { name: ${k}, value: ${JSON.stringify(v)} }`)
  .join('\n')}
          ports: [{ containerPort: 8080 }]
          readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1, failureThreshold: 1 }
`;
}

export interface OwnRun {
  readonly code: number;
  readonly stderr: string;
  readonly report: {
    scenarios: {
      name: string;
      requests: number;
      ok: number;
      failed: number;
      failures: Record<string, number>;
      error?: string;
      events: { type: string }[];
    }[];
  };
}

/** `lameduck lab --manifest <file> --quick` in `dir`, keep-alive clients at 20 rps. */
export async function runOwn(dir: string, file: string, yaml: string): Promise<OwnRun> {
  writeFileSync(join(dir, file), yaml);
  const json = join(dir, `${file}.json`);
  const args = [
    bin,
    'lab',
    '--manifest',
    file,
    '--quick',
    '--rate',
    '20',
    '--clients',
    'keepalive:1',
    '--connections',
    '64',
    '--json',
    json,
  ];
  let code = 0;
  let stderr = '';
  try {
    ({ stderr } = await promisify(execFile)(process.execPath, args, {
      cwd: dir,
      timeout: 120_000,
    }));
  } catch (error) {
    const e = error as { code: number; stderr: string };
    code = e.code;
    stderr = e.stderr;
  }
  return { code, stderr, report: JSON.parse(readFileSync(json, 'utf8')) };
}

/** Without graceful handling requests are lost (exit 1); with it, none (exit 0). */
export function assertLossAndFix(broken: OwnRun, fixed: OwnRun): void {
  const [b] = broken.report.scenarios;
  const [f] = fixed.report.scenarios;
  assert.ok(b && f);
  assert.equal(b.error, undefined, broken.stderr);
  assert.equal(f.error, undefined, fixed.stderr);
  assert.ok(b.ok > 0 && f.ok > 0, `${broken.stderr}\n${fixed.stderr}`);
  assert.ok(
    b.failed > 0,
    `without graceful handling the requests in flight are cut\n${broken.stderr}`,
  );
  assert.equal(broken.code, 1);
  assert.equal(f.failed, 0, `with it nothing is lost\n${fixed.stderr}`);
  assert.deepEqual(f.failures, {});
  assert.equal(fixed.code, 0, fixed.stderr);
}
