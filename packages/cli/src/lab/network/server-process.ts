import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, sleep } from '../../core/clock.js';
import { LabError } from '../errors.js';
import { Container } from '../kubelet/container.js';

export interface ServerProcessOptions {
  /** `nginx` or `haproxy`: names the temp folder and the errors. */
  readonly name: string;
  /** argv, given the temp folder its configuration lives in. */
  readonly command: (dir: string) => string[];
  /** Files to write into the temp folder before the start (name → content). */
  readonly files: (dir: string) => Record<string, string>;
  /** Where it listens once ready. */
  readonly host: string;
  readonly port: number;
  /** Its own PID namespace (root on Linux): nothing of it can outlive the lab. */
  readonly pidNamespace: boolean;
  readonly env: Readonly<Record<string, string>>;
  readonly clock: Clock;
}

/** The temp folders of the servers: `lameduck-lab-<pid of the lab>-<name>-XXXXXX`. */
const DIR_PREFIX = 'lameduck-lab-';

/**
 * Removes the temp folders a lab that no longer runs left behind (a SIGKILLed lab cannot remove
 * them; its servers died with it) from `dir`, the temp folder by default. Returns the folders removed.
 */
export function removeStaleServerDirs(
  isAlive: (pid: number) => boolean,
  dir: string = tmpdir(),
): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = /^lameduck-lab-(\d+)-(?:nginx|haproxy|lb)-/.exec(name);
    if (!m || isAlive(Number(m[1]))) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * A real server (nginx, haproxy) run by the lab as a child process, never as a daemon: its
 * configuration in a temp folder of its own, started through `setpriv --pdeathsig KILL` like a pod
 * (and in its own PID namespace as root), so that neither Ctrl-C, a crash nor a SIGKILL of the lab
 * leaves it running; `close()` kills it and removes the folder.
 */
export class ServerProcess {
  readonly dir: string;
  readonly #container: Container;
  readonly #o: ServerProcessOptions;

  private constructor(options: ServerProcessOptions, dir: string) {
    this.#o = options;
    this.dir = dir;
    this.#container = new Container({
      command: options.command(dir),
      env: options.env,
      cwd: dir,
      pidNamespace: options.pidNamespace,
      clock: options.clock,
    });
  }

  /** Starts it and waits until it accepts connections (at most 10 s). */
  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    const dir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${process.pid}-${options.name}-`));
    for (const [file, content] of Object.entries(options.files(dir))) {
      writeFileSync(join(dir, file), content);
    }
    const server = new ServerProcess(options, dir);
    try {
      await server.#ready();
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  async #ready(): Promise<void> {
    const { host, port, clock, name } = this.#o;
    for (let attempt = 0; attempt < 200; attempt++) {
      if (!this.#container.running) break;
      if (await accepts(host, port)) return;
      await sleep(clock, 50);
    }
    const exit = this.#container.running ? undefined : await this.#container.exited;
    throw new LabError(
      'ERR_LAMEDUCK_LAB_INGRESS',
      `${name} did not start${exit ? ` (exit code ${exit.code})` : ' within 10 s'}: ${this.#container.output.slice(-3).join(' / ') || 'no output'}`,
      1,
    );
  }

  /** The process's host pid (the PID namespace's init as root). */
  mainPid(): Promise<number | undefined> {
    return this.#container.mainPid();
  }

  get running(): boolean {
    return this.#container.running;
  }

  /** The last lines it wrote. */
  get output(): readonly string[] {
    return this.#container.output;
  }

  async close(): Promise<void> {
    this.#container.killAll();
    await this.#container.exited;
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Last-resort cleanup from a process-exit handler. */
  closeSync(): void {
    this.#container.killAll();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * POSTs a configuration change to a server the lab runs (a new connection each time, so that no
 * keep-alive race can lose it), retrying for up to 10 s as a controller retries until its change is
 * applied; a server that is being stopped (`stopped()`) is left alone.
 */
export async function postUntilApplied(
  url: string,
  body: string,
  stopped: () => boolean,
  clock: Clock,
): Promise<void> {
  let last: unknown;
  for (let attempt = 0; attempt < 50 && !stopped(); attempt++) {
    try {
      const response = await fetch(url, { method: 'POST', body, headers: { connection: 'close' } });
      await response.text();
      if (response.ok) return;
      last = new Error(`${url} answered ${response.status}`);
    } catch (error) {
      last = error;
    }
    await sleep(clock, 200);
  }
  if (!stopped()) throw last;
}
