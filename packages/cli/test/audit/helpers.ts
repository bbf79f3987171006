import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../../src/args/parse.ts';
import { type AuditConfig, audit } from '../../src/audit/audit.ts';
import auditCommand from '../../src/audit/command.ts';
import type { Finding } from '../../src/audit/finding.ts';
import { LameduckError } from '../../src/core/errors.ts';
import type { Io } from '../../src/core/io.ts';
import { main } from '../../src/main.ts';
import type { Source } from '../../src/manifest/types.ts';
import { runProcess } from '../support/process.ts';

export const defaults: AuditConfig = {
  appDrainSeconds: 10,
  kubeVersion: { major: 1, minor: 30 },
  disabled: new Set(),
};

export const yamlSource = (text: string, file = 'test.yaml'): Source => ({
  file,
  text,
  type: 'yaml',
});

/** Findings for one YAML text. */
export function findingsOf(text: string, config: Partial<AuditConfig> = {}): Finding[] {
  return audit([yamlSource(text)], { ...defaults, ...config }).findings;
}

export const rulesOf = (findings: readonly Finding[]) =>
  [...new Set(findings.map((f) => f.rule))].sort();

/** Streams for one in-process run: stdin holds `options.stdin`, stdout and stderr are captured. */
function captureIo(options: { cwd?: string; stdin?: string }) {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk, _encoding, done) {
        out[key] += String(chunk);
        done();
      },
    });
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? '');
  const io: Io = {
    stdout: sink('stdout'),
    stderr: sink('stderr'),
    stdin,
    env: { NO_COLOR: '1' },
    cwd: options.cwd ?? process.cwd(),
  };
  return { io, out };
}

/** Runs `lameduck <argv>` in-process with captured streams. */
export async function runCli(argv: string[], options: { cwd?: string; stdin?: string } = {}) {
  const { io, out } = captureIo(options);
  const code = await main({ argv, io, signal: new AbortController().signal });
  return { code, ...out };
}

/**
 * Runs `lameduck audit <argv>` without `main` in between, so that a test sees the error the command
 * throws (its code and exit code), not only the message `main` prints for it.
 */
export async function auditError(
  argv: string[],
  options: { cwd?: string; stdin?: string } = {},
): Promise<LameduckError> {
  const { io } = captureIo(options);
  const parsed = parseArgs(auditCommand, argv);
  try {
    await auditCommand.run({ ...parsed, io, signal: new AbortController().signal });
  } catch (error) {
    if (error instanceof LameduckError) return error;
    throw error;
  }
  throw new Error(`lameduck audit ${argv.join(' ')} threw nothing`);
}

/** The built command, as a user runs it (`npm run build` first; `npm test` builds). */
export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

/** Runs the real `lameduck` binary in `cwd`; resolves with its exit code and output. */
export async function runBinary(
  argv: string[],
  options: { cwd?: string; stdin?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await runProcess(argv, options);
  return { code, stdout, stderr };
}

/** A Deployment + Service pair in the shape charts render, with the container body replaced. */
export function app(
  container: string,
  extra: { spec?: string; pod?: string; service?: string } = {},
): string {
  const indent = (text: string, n: number) =>
    text
      .split('\n')
      .map((l) => (l ? ' '.repeat(n) + l : l))
      .join('\n');
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
${extra.spec ? `${indent(extra.spec, 2)}\n` : ''}  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
${extra.pod ? `${indent(extra.pod, 6)}\n` : ''}      containers:
        - name: web
${indent(container, 10)}
---
apiVersion: v1
kind: Service
metadata:
  name: web
${extra.service ? `${indent(extra.service, 0)}\n` : ''}spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080
`;
}

/** A container that passes every rule. */
export const GOOD_CONTAINER = `image: registry.example/web:1.2.3
command: ["node", "server.js"]
ports:
  - containerPort: 8080
readinessProbe:
  httpGet: {path: /ready, port: 8080}
  periodSeconds: 5
livenessProbe:
  httpGet: {path: /live, port: 8080}
  periodSeconds: 10
  failureThreshold: 6
lifecycle:
  preStop:
    sleep:
      seconds: 5`;
