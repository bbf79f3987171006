// Runs a shell script for real, with stand-in programs that record how they were started: their
// arguments, their environment, their process id and the signals they receive. Used to prove that a
// rewrite (`exec` before the last command) runs the same programs with the same arguments and
// environment, and that the app now receives SIGTERM.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { signalProcess } from '../../../../../test/support/signal.ts';

/** What one stand-in recorded. */
export interface Invocation {
  readonly name: string;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly pid: number;
}

export interface Run {
  /** Every stand-in started, in order. */
  readonly invocations: readonly Invocation[];
  /** Whether the app (the long-running stand-in) started. */
  readonly appStarted: boolean;
  /** Signals the app received (`TERM`, `INT`, …). */
  readonly appSignals: readonly string[];
  /** Whether the app ran in the shell's own process (the shell exec'd it). */
  readonly appIsShell: boolean;
  readonly stderr: string;
}

const QUICK = `#!/bin/sh
d=@LOG@
n=$(ls "$d" | grep -c '\\.argv$')
printf '%s\\0' "$(basename "$0")" "$@" > "$d/$n.argv"
printf '%s' "$$" > "$d/$n.pid"
env -0 > "$d/$n.env"
exit 0
`;

const LONG = `#!/bin/sh
d=@LOG@
n=$(ls "$d" | grep -c '\\.argv$')
printf '%s\\0' "$(basename "$0")" "$@" > "$d/$n.argv"
printf '%s' "$$" > "$d/$n.pid"
env -0 > "$d/$n.env"
trap 'echo TERM >> "$d/app.signals"; exit 143' TERM
trap 'echo INT >> "$d/app.signals"; exit 130' INT
trap 'echo HUP >> "$d/app.signals"; exit 129' HUP
printf '%s' "$$" > "$d/app.ready.tmp" && mv "$d/app.ready.tmp" "$d/app.ready"
i=0
while [ $i -lt 200 ]; do sleep 0.05 & wait $!; i=$((i + 1)); done
echo timeout >> "$d/app.signals"
`;

/** A folder of stand-ins: `app` names wait for a signal, `quick` names return at once. */
export class StubBin {
  readonly dir: string;
  readonly bin: string;
  readonly log: string;

  constructor(dir: string, app: readonly string[], quick: readonly string[]) {
    this.dir = dir;
    this.bin = join(dir, 'bin');
    this.log = join(dir, 'log');
    mkdirSync(this.bin, { recursive: true });
    mkdirSync(this.log, { recursive: true });
    const write = (name: string, body: string) => {
      const file = join(this.bin, name);
      writeFileSync(file, body.replace('@LOG@', `'${this.log}'`));
      chmodSync(file, 0o755);
    };
    for (const name of app) write(name, LONG);
    for (const name of quick) write(name, QUICK);
  }

  /**
   * Runs `shell -c script` with the stand-ins first on the PATH, waits for the app to start, sends
   * SIGTERM to the shell's process (PID 1 of a container gets it), and collects what was recorded.
   * Every wait is bounded; a stand-in left behind by a shell that died is killed by its pid.
   */
  async run(shell: string, script: string, env: Record<string, string>): Promise<Run> {
    rmSync(this.log, { recursive: true, force: true });
    mkdirSync(this.log);
    const child = spawn(shell, ['-c', script], {
      cwd: this.dir,
      env: { ...env, PATH: `${this.bin}:/usr/bin:/bin` },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // 'exit', not 'close': a stand-in left behind by a dead shell still holds its stderr.
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    let exitedEarly = false;
    void exited.then(() => {
      exitedEarly = true;
    });
    const ready = join(this.log, 'app.ready');
    for (let i = 0; i < 500 && !existsSync(ready) && !exitedEarly; i++) await sleep(10);
    const appStarted = existsSync(ready);
    if (appStarted && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    const deadline = Promise.race([exited, sleep(5000)]);
    await deadline;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    // app.ready is renamed into place once the pid is in it, so it is never read half written.
    const appPid = appStarted ? Number(readFileSync(ready, 'utf8')) : -1;
    // Give the app a moment to write what it received, then make sure it is gone.
    const signalsFile = join(this.log, 'app.signals');
    if (appStarted && appPid !== child.pid) {
      for (let i = 0; i < 20 && !existsSync(signalsFile); i++) await sleep(10);
      signalProcess(appPid, 'SIGKILL', { ifRunning: true });
    }
    const appSignals = existsSync(signalsFile)
      ? readFileSync(signalsFile, 'utf8').split('\n').filter(Boolean)
      : [];
    return {
      invocations: this.#invocations(),
      appStarted,
      appSignals,
      appIsShell: appPid === child.pid,
      stderr,
    };
  }

  #invocations(): Invocation[] {
    const count = readdirSync(this.log).filter((f) => f.endsWith('.argv')).length;
    const out: Invocation[] = [];
    for (let n = 0; n < count; n++) {
      const [name = '', ...argv] = readFileSync(join(this.log, `${n}.argv`), 'utf8')
        .split('\0')
        .slice(0, -1);
      const env = Object.fromEntries(
        readFileSync(join(this.log, `${n}.env`), 'utf8')
          .split('\0')
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
      out.push({ name, argv, env, pid: Number(readFileSync(join(this.log, `${n}.pid`), 'utf8')) });
    }
    return out;
  }
}
