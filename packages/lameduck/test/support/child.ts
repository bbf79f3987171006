// Runs a fixture app in a child process and reads what it announces: its port on stdout, and
// lameduck's JSON log lines on stderr.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export interface LogLine {
  event?: string;
  [key: string]: unknown;
}

export class AppProcess {
  readonly child: ChildProcess;
  readonly logs: LogLine[] = [];
  readonly stderrText: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #port: Promise<number>;

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
    this.#port = new Promise((resolve, reject) => {
      const out = createInterface({ input: this.child.stdout as NodeJS.ReadableStream });
      out.on('line', (line) => {
        const port = (JSON.parse(line) as { port?: number }).port;
        if (port) resolve(port);
      });
      void this.exited.then(({ code }) =>
        reject(new Error(`app exited (${code}) before listening: ${this.stderrText.join('')}`)),
      );
    });
    this.#port.catch(() => {}); // callers of port() still see the rejection
    createInterface({ input: this.child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
      this.stderrText.push(`${line}\n`);
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        // not a log line
      }
    });
  }

  port(): Promise<number> {
    return this.#port;
  }

  log(event: string): LogLine | undefined {
    return this.logs.find((l) => l.event === event);
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.child.kill(signal);
  }
}
