// Starting benchmark servers and wrk as child processes, and reading what they print.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const VARIANTS = [
  'bare',
  'lameduck',
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

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
