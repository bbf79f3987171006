// Runs `lameduck <argv>`: in-process with captured streams (fast), or as a real process (for what
// only a process has: its own standard output, /dev/stdout, exit code).
import { type ChildProcess, spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../../src/main.ts';
import { runProcess } from '../../support/process.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function lameduck(
  argv: string[],
  { cwd = process.cwd(), env = {}, tty = false, signal = new AbortController().signal } = {},
): Promise<CliRun> {
  const capture = () => {
    const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
    let text = '';
    stream.on('data', (c: Buffer) => {
      text += c.toString();
    });
    if (tty) stream.isTTY = true;
    return { stream, text: () => text };
  };
  const out = capture();
  const err = capture();
  const code = await main({
    argv,
    io: { stdout: out.stream, stderr: err.stream, stdin: new PassThrough(), env, cwd },
    signal,
  });
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: out.text(), stderr: err.text() };
}

/** A running `lameduck` process: its child, and its end (with the time it took). */
const bin = fileURLToPath(new URL('../../../src/bin.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

export interface LameduckChild {
  readonly child: ChildProcess;
  /** Resolves once `text` has appeared on its standard output (or rejects when it ends first). */
  waitFor(text: string): Promise<void>;
  readonly done: Promise<CliRun & { ms: number }>;
}

/** Starts the real `lameduck` (src/bin.ts through tsx); kills it if it outlives `timeoutMs`. */
export function startLameduck(
  argv: string[],
  { cwd = process.cwd(), timeoutMs = 60_000, prefix = [] as string[] } = {},
): LameduckChild {
  const [file, ...args] = [...prefix, process.execPath, '--import', tsx, bin, ...argv] as [
    string,
    ...string[],
  ];
  const started = Date.now();
  const child = spawn(file, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
    for (const w of waiters.filter((x) => stdout.includes(x.text))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliRun & { ms: number }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms: Date.now() - started });
    });
  });
  return {
    child,
    done,
    waitFor: (text) =>
      stdout.includes(text)
        ? Promise.resolve()
        : new Promise((resolve, reject) => {
            waiters.push({ text, resolve });
            void done.then(() => reject(new Error(`ended before "${text}": ${stdout}${stderr}`)));
          }),
  };
}

/** Runs the real `lameduck` (src/bin.ts through tsx) as a child process, killed after `timeoutMs`. */
export async function lameduckProcess(
  argv: string[],
  { cwd = process.cwd(), timeoutMs = 60_000 } = {},
): Promise<CliRun> {
  const run = await runProcess(argv, { cwd, timeoutMs, fromSource: true });
  return { code: run.code ?? (run.signal ? 128 : 1), stdout: run.stdout, stderr: run.stderr };
}
