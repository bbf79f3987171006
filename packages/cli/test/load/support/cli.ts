// Runs `lameduck <argv>`: in-process with captured streams (fast), or as a real process (for what
// only a process has: its own standard output, /dev/stdout, exit code).
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../../src/main.ts';

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

const bin = fileURLToPath(new URL('../../../src/bin.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

/**
 * Runs the real `lameduck` (src/bin.ts through tsx) as a child process with piped output, and kills
 * it if it outlives `timeoutMs`.
 */
export function lameduckProcess(
  argv: string[],
  { cwd = process.cwd(), timeoutMs = 60_000 } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, bin, ...argv], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}
