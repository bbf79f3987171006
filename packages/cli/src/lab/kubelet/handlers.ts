import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { type Clock, sleep } from '../../core/clock.js';
import type { Handler } from '../spec/template.js';

export interface HandlerTarget {
  /** The pod's own loopback address. */
  readonly host: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

export interface HandlerResult {
  readonly ok: boolean;
  /** Why it failed: the status, the socket error, the exit code or "timeout". */
  readonly detail?: string;
}

export interface HandlerRun {
  /** The attempt's bound: a probe's timeoutSeconds, or what is left of the grace period. */
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** Ends it early (the pod went away). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Runs one probe or lifecycle handler against a pod, bounded by `timeoutMs`, as the kubelet does:
 * httpGet succeeds on 200–399, tcpSocket when the connection opens, exec on exit code 0, sleep always.
 */
export async function runHandler(
  handler: Handler,
  target: HandlerTarget,
  run: HandlerRun,
): Promise<HandlerResult> {
  switch (handler.kind) {
    case 'httpGet':
      return httpGet(target.host, handler.port, handler.path, run.timeoutMs);
    case 'tcpSocket':
      return tcpSocket(target.host, handler.port, run.timeoutMs);
    case 'exec':
      return exec(handler.command, target, run);
    case 'sleep':
      await sleep(run.clock, Math.min(handler.ms, run.timeoutMs), run.signal);
      return { ok: true };
  }
}

function httpGet(host: string, port: number, path: string, timeoutMs: number) {
  return new Promise<HandlerResult>((resolve) => {
    const req = request(
      { host, port, path, method: 'GET', agent: false, timeout: timeoutMs },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        resolve(
          status >= 200 && status < 400 ? { ok: true } : { ok: false, detail: `HTTP ${status}` },
        );
      },
    );
    req.setHeader('User-Agent', 'kube-probe/lameduck-lab');
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', (error: NodeJS.ErrnoException) =>
      resolve({ ok: false, detail: error.code ?? error.message }),
    );
    req.end();
  });
}

function tcpSocket(host: string, port: number, timeoutMs: number) {
  return new Promise<HandlerResult>((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ ok: true });
    });
    socket.once('timeout', () => socket.destroy(new Error('timeout')));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      resolve({ ok: false, detail: error.code ?? error.message }),
    );
  });
}

function exec(command: readonly string[], target: HandlerTarget, run: HandlerRun) {
  const { timeoutMs, clock, signal } = run;
  return new Promise<HandlerResult>((resolve) => {
    const [file, ...args] = command;
    if (file === undefined) {
      resolve({ ok: false, detail: 'empty command' });
      return;
    }
    const child = spawn(file, args, { cwd: target.cwd, env: target.env, stdio: 'ignore' });
    const stop = () => child.kill('SIGKILL');
    const cancel = clock.setTimer(stop, timeoutMs);
    signal?.addEventListener('abort', stop, { once: true });
    const done = (result: HandlerResult) => {
      cancel();
      signal?.removeEventListener('abort', stop);
      resolve(result);
    };
    child.once('error', (error) => done({ ok: false, detail: error.message }));
    child.once('exit', (code, sig) =>
      done(
        code === 0
          ? { ok: true }
          : { ok: false, detail: sig ? `killed by ${sig} (timeout)` : `exit code ${code}` },
      ),
    );
  });
}
