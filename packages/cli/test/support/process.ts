// Runs the `lameduck` command as a real process (for what only a process has: its own standard
// streams, exit code and pid), collecting what it prints. The built binary by default; its
// TypeScript entry through tsx with `fromSource` (no build needed). Killed if it outlives `timeoutMs`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const source = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));

export interface ProcessRun {
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ProcessOptions {
  readonly cwd?: string;
  /** Written to its standard input, which is then closed (empty by default). */
  readonly stdin?: string;
  readonly timeoutMs?: number;
  readonly fromSource?: boolean;
}

export function runProcess(argv: string[], options: ProcessOptions = {}): Promise<ProcessRun> {
  // tsx resolved from here, so that a run in another folder (cwd) still finds it.
  const entry = options.fromSource ? ['--import', import.meta.resolve('tsx'), source] : [dist];
  const child = spawn(process.execPath, [...entry, ...argv], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin.on('error', () => {}); // a command that exits without reading its input
  child.stdin.end(options.stdin ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ pid: child.pid as number, code, signal, stdout, stderr });
    });
  });
}
