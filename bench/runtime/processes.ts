// Starting benchmark servers and wrk as child processes, and reading what they print.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const VARIANTS = [
  'bare',
  'emit-wrap',
  'lameduck',
  'h2-bare',
  'h2-lameduck',
  'lag-lameduck',
  'lag-netclose',
  'terminus',
  'http-terminator',
  'stoppable',
  'node-close',
] as const;
export type Variant = (typeof VARIANTS)[number];

const serverScript = fileURLToPath(new URL('./server.mjs', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface BenchServer {
  readonly child: ChildProcess;
  readonly port: number;
  /** Lines the server printed after the port, parsed. */
  readonly messages: Record<string, number>[];
  exited: Promise<void>;
}

export async function startServer(
  variant: Variant,
  env: Record<string, string> = {},
): Promise<BenchServer> {
  const child = spawn(process.execPath, [serverScript, variant], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const messages: Record<string, number>[] = [];
  const exited = once(child, 'exit').then(() => undefined);
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const message = JSON.parse(line) as Record<string, number>;
      if (message.port !== undefined) resolve(message.port);
      else messages.push(message);
    });
    void exited.then(() => reject(new Error(`${variant} server exited before listening`)));
  });
  return { child, port, messages, exited };
}

export async function stopServer(server: BenchServer): Promise<void> {
  if (server.child.exitCode === null) server.child.kill('SIGKILL');
  await server.exited;
}

export interface WrkResult {
  rps: number;
  p99Ms: number;
}

/** Runs wrk against the server: keep-alive, `connections` connections, one thread. */
export async function wrk(port: number, seconds: number, connections = 50): Promise<WrkResult> {
  const { stdout } = await promisify(execFile)('wrk', [
    '-t1',
    `-c${connections}`,
    `-d${seconds}s`,
    '--latency',
    `http://127.0.0.1:${port}/`,
  ]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)/.exec(stdout);
  if (!Number.isFinite(rps) || !p99) throw new Error(`cannot read wrk's output:\n${stdout}`);
  const unit = { us: 0.001, ms: 1, s: 1000 }[p99[2] as 'us' | 'ms' | 's'];
  return { rps, p99Ms: Number(p99[1]) * unit };
}

/** Runs h2load (h2c, prior knowledge) against the server: `clients` connections, 10 streams each. */
export async function h2load(port: number, seconds: number, clients = 50): Promise<WrkResult> {
  const { stdout } = await promisify(execFile)('h2load', [
    '-c',
    String(clients),
    '-m',
    '10',
    '-D',
    String(seconds),
    '--warm-up-time',
    '1',
    `http://127.0.0.1:${port}/`,
  ]);
  const rps = Number(/finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(stdout)?.[1]);
  if (!Number.isFinite(rps)) throw new Error(`cannot read h2load's output:\n${stdout}`);
  const failed = Number(/(\d+) failed/.exec(stdout)?.[1] ?? 0);
  if (failed > 0) throw new Error(`h2load: ${failed} requests failed:\n${stdout}`);
  return { rps, p99Ms: Number.NaN };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Asks the server for its request count and CPU time so far (SIGUSR2). */
export async function cpuSample(
  server: BenchServer,
): Promise<{ requests: number; cpuMicros: number }> {
  const before = server.messages.length;
  server.child.kill('SIGUSR2');
  for (let i = 0; i < 200 && server.messages.length === before; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const message = server.messages.at(-1);
  if (server.messages.length === before || message?.cpuMicros === undefined) {
    throw new Error('the server did not report its CPU time');
  }
  return { requests: message.requests as number, cpuMicros: message.cpuMicros };
}
