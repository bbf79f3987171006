// Processes the load benchmarks start: a trivial keep-alive server that counts what it receives, and
// the load clients (lameduck, autocannon, wrk), each bounded in time.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const lameduckBin = `${root}packages/cli/dist/bin.js`;
export const autocannonBin = `${root}node_modules/autocannon/autocannon.js`;

// The server of load-anchors.md §3.4: 2-byte body, keep-alive kept open. Over IPC, 'mark' starts a
// measurement and 'count' answers how many requests arrived since, and over what time span.
const SERVER = `
const http = require('node:http');
let count = 0, first = 0n, last = 0n;
const server = http.createServer((req, res) => {
  const now = process.hrtime.bigint();
  if (count++ === 0) first = now;
  last = now;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 2 });
  res.end('ok');
});
server.keepAliveTimeout = 65000;
process.on('message', (m) => {
  if (m === 'mark') { count = 0; process.send('marked'); }
  if (m === 'count') process.send({ count, spanMs: Number(last - first) / 1e6 });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
`;

// The same over HTTP/2 cleartext (prior knowledge): one count per stream.
const SERVER_H2 = `
const http2 = require('node:http2');
let count = 0, first = 0n, last = 0n;
const server = http2.createServer();
server.on('stream', (stream) => {
  const now = process.hrtime.bigint();
  if (count++ === 0) first = now;
  last = now;
  stream.respond({ ':status': 200, 'content-type': 'text/plain', 'content-length': 2 });
  stream.end('ok');
});
server.on('session', (s) => s.on('error', () => {}));
process.on('message', (m) => {
  if (m === 'mark') { count = 0; process.send('marked'); }
  if (m === 'count') process.send({ count, spanMs: Number(last - first) / 1e6 });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
`;

/** Requests received since the last mark, and the time from the first to the last of them. */
export interface Received {
  count: number;
  spanMs: number;
}

export interface CountingServer {
  readonly url: string;
  readonly pid: number;
  mark(): Promise<void>;
  received(): Promise<Received>;
  stop(): Promise<void>;
}

export async function startServer({ http2 = false } = {}): Promise<CountingServer> {
  const child = spawn(process.execPath, ['-e', http2 ? SERVER_H2 : SERVER], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [message] = (await once(child, 'message')) as [{ port: number }];
  return {
    url: `http://127.0.0.1:${message.port}/`,
    pid: child.pid as number,
    async mark() {
      const reply = once(child, 'message');
      child.send('mark');
      await reply;
    },
    async received() {
      const reply = once(child, 'message');
      child.send('count');
      return ((await reply) as [Received])[0];
    },
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

const run = promisify(execFile);

/** Runs a command to completion (bounded by `timeoutMs`) and returns its stdout. */
export async function runToEnd(file: string, args: string[], timeoutMs: number): Promise<string> {
  try {
    const { stdout } = await run(file, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string };
    // lameduck exits 1 when requests failed: its stdout is still the result
    if (typeof e.stdout === 'string' && e.code === 1) return e.stdout;
    throw error;
  }
}

/** Starts a long-running client; `done` resolves when it exits. */
export function startClient(
  file: string,
  args: string[],
): { child: ChildProcess; done: Promise<void> } {
  const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const done = once(child, 'exit').then(() => undefined);
  return { child, done };
}

/** CPU time a process used so far, in seconds, from /proc (clock ticks of 10 ms). */
export function cpuTimes(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields after the name: state is [0], utime [11], stime [12]
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

/** CPU time (user + system) a process used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  const { user, system } = cpuTimes(pid);
  return user + system;
}

/**
 * Runs a command to its end and measures the CPU time it used, sampled from /proc every 50 ms while
 * it runs (the last 50 ms at most are missed: under 0.5% of a 10 s run).
 */
export async function runMeasured(
  file: string,
  args: string[],
  timeoutMs: number,
): Promise<{ cpu: number; user: number; stdout: string }> {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  let cpu = 0;
  let user = 0;
  const sampler = setInterval(() => {
    try {
      const times = cpuTimes(child.pid as number);
      cpu = times.user + times.system;
      user = times.user;
    } catch {
      // exited between two samples: the last sample stands
    }
  }, 50);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await once(child, 'exit');
  clearInterval(sampler);
  clearTimeout(timer);
  return { cpu, user, stdout };
}

/** Resident set size of a process in MiB, from /proc. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

// One median for every suite (the runtime suite defines it).
export { median } from '../runtime/processes.ts';
