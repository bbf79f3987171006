import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type Clock, sleep } from '../../core/clock.js';

export interface ContainerOptions {
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Run PID 1 in its own PID namespace (`unshare --pid --fork`, Linux + root). */
  readonly pidNamespace: boolean;
  readonly clock: Clock;
}

export interface ContainerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * One running container: its main process (PID 1 of the pod) and everything it started.
 *
 * With a PID namespace the kernel's PID-1 rules are real: signals PID 1 has no handler for are dropped,
 * and when PID 1 exits every process of the pod is killed. Without one, the lab emulates the second rule
 * (the pod runs in its own process group, SIGKILLed when the main process exits) but not the first.
 */
export class Container {
  readonly #child: ChildProcess;
  readonly #pidNamespace: boolean;
  readonly #clock: Clock;
  readonly #output: string[] = [];
  readonly exited: Promise<ContainerExit>;
  #mainPid: number | undefined;
  #done = false;

  constructor(options: ContainerOptions) {
    // setpriv --pdeathsig: if the lab itself dies (even by SIGKILL), the kernel kills PID 1, and with
    // it the whole PID namespace, so no pod outlives the lab.
    const [file, ...args] = [
      'setpriv',
      '--pdeathsig',
      'KILL',
      '--',
      ...(options.pidNamespace
        ? ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child', '--']
        : []),
      ...options.command,
    ];
    if (file === undefined) throw new Error('a container needs a command');
    this.#pidNamespace = options.pidNamespace;
    this.#clock = options.clock;
    this.#child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.#output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (this.#output.length > 20) this.#output.splice(0, this.#output.length - 20);
    };
    this.#child.stdout?.on('data', keep);
    this.#child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.#child.once('error', (error) => {
        this.#output.push(error.message);
        this.#finish();
        resolve({ code: 127, signal: null });
      });
      this.#child.once('exit', (code, signal) => {
        this.#finish();
        // Its last words may still be in the pipes: wait for them (bounded: a process that left the
        // group may hold them open).
        const done = () => resolve({ code, signal });
        const cancel = this.#clock.setTimer(done, 200);
        this.#child.once('close', () => {
          cancel();
          done();
        });
      });
    });
  }

  /** The host pid of PID 1 in the pod (the forked child of `unshare` in a PID namespace). */
  async mainPid(): Promise<number | undefined> {
    if (this.#mainPid !== undefined || this.#done) return this.#mainPid;
    const outer = this.#child.pid;
    if (outer === undefined) return undefined;
    if (!this.#pidNamespace) {
      this.#mainPid = outer;
      return outer;
    }
    for (let i = 0; i < 200 && !this.#done; i++) {
      try {
        const children = readFileSync(`/proc/${outer}/task/${outer}/children`, 'utf8').trim();
        const first = Number(children.split(/\s+/)[0]);
        if (first > 0) {
          this.#mainPid = first;
          return first;
        }
      } catch {
        return undefined;
      }
      await sleep(this.#clock, 5);
    }
    return undefined;
  }

  /** Sends a signal to PID 1 only, as the container runtime does. Returns whether it was delivered. */
  async signal(signal: NodeJS.Signals): Promise<boolean> {
    const pid = await this.mainPid();
    if (pid === undefined || this.#done) return false;
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** SIGKILLs every process of the pod (its process group) — used at cleanup, never for grace. */
  killAll(): void {
    const pid = this.#child.pid;
    // Once the pod is gone its pid (and group id) may be reused by an unrelated process: never again.
    if (pid === undefined || this.#done) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }

  get running(): boolean {
    return !this.#done;
  }

  /** The last lines the container wrote, for crash reports. */
  get output(): readonly string[] {
    return this.#output;
  }

  #finish(): void {
    // PID 1 is gone: the rest of the pod dies with it (the kernel does this in a PID namespace).
    this.killAll();
    this.#done = true;
  }
}
