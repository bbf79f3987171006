// The case the issue is about: a JDK HttpServer service started by a bash script WITHOUT a trap (seed
// story 001), with lameduck-init as PID 1 of a fresh PID namespace, as in a container. The runtime's
// SIGTERM must reach the JVM, the JVM's shutdown hook must finish its drain while requests keep being
// served, and PID 1 must stay until the JVM has exited. The same script under `tini -g` is the
// control: the JVM is signalled too, but tini exits with bash and the kernel kills the JVM mid-drain.
// The Python example (examples/python/app.py) runs through the same harness.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { signalProcess } from '../../../test/support/signal.ts';
import { exitCodeOf } from '../../cli/src/run/exit-code.ts';
import { namespaceUnavailable } from '../../cli/test/run/fixtures/namespace.ts';
import { lameduckInit } from '../../cli/test/run/fixtures/programs.ts';

const exampleDir = fileURLToPath(new URL('../../../examples/java/', import.meta.url));
const pythonApp = fileURLToPath(new URL('../../../examples/python/app.py', import.meta.url));
const DRAIN_MS = 2000;

function whyNot(): string | false {
  const unavailable = namespaceUnavailable() ?? lameduckInit.unavailable;
  if (unavailable) return unavailable;
  if (spawnSync('javac', ['-version']).status !== 0)
    return 'no JDK (Debian openjdk-17-jdk-headless)';
  return false;
}

interface ServiceRun {
  code: number;
  exitMs: number;
  stdout: string[];
  /** Requests answered after SIGTERM (status 200), and those that failed. */
  servedAfterTerm: number;
  closingAfterTerm: number;
  failedAfterTerm: string[];
}

async function waitFor<T>(what: string, ms: number, check: () => T | undefined): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** Runs `init + app` as PID 1, keeps one client busy, SIGTERMs PID 1 and watches the drain. */
async function runService(
  init: readonly string[],
  app: readonly string[],
  env: Record<string, string> = {},
): Promise<ServiceRun> {
  const child: ChildProcess = spawn(
    'unshare',
    ['--pid', '--fork', '--mount-proc', '--kill-child', ...init, ...app],
    {
      env: { ...process.env, PORT: '0', DRAIN_MS: String(DRAIN_MS), ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const stdout: string[] = [];
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    stdout.push(...lines);
  });
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(exitCodeOf(code, signal)));
  });
  try {
    const port = await waitFor('the JVM to listen', 60_000, () => {
      const line = stdout.find((l) => l.startsWith('listening on '));
      return line ? Number(line.slice('listening on '.length)) : undefined;
    });
    let sentAt = 0;
    let stopTraffic = false;
    const after = { served: 0, closing: 0, failed: [] as string[] };
    // One keep-alive client, one request at a time, bounded in time: it stops 500 ms before the
    // drain window closes (after that the listener is closed on purpose).
    const traffic = (async () => {
      const until = Date.now() + 30_000;
      while (!stopTraffic && Date.now() < until) {
        try {
          const response = await fetch(`http://127.0.0.1:${port}/`);
          await response.text();
          if (sentAt && response.status === 200) after.served++;
          if (sentAt && response.headers.get('connection') === 'close') after.closing++;
          if (sentAt && response.status !== 200) after.failed.push(`status ${response.status}`);
        } catch (error) {
          if (sentAt) after.failed.push(String((error as Error).cause ?? error));
        }
        await sleep(10);
      }
    })();
    await sleep(300);
    const init1 = await waitFor('PID 1', 5000, () => {
      const list = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim();
      return list ? Number(list.split(' ')[0]) : undefined;
    });
    sentAt = Date.now();
    signalProcess(init1, 'SIGTERM');
    const drainingSeen = await waitFor('the drain or the end', 10_000, () =>
      stdout.includes('draining') ? Date.now() : child.exitCode !== null ? 0 : undefined,
    );
    if (drainingSeen) await sleep(DRAIN_MS - 500);
    stopTraffic = true;
    await traffic;
    const code = await Promise.race([exited, sleep(20_000).then(() => -1)]);
    return {
      code,
      exitMs: Date.now() - sentAt,
      stdout: [...stdout, partial].filter(Boolean),
      servedAfterTerm: after.served,
      closingAfterTerm: after.closing,
      failedAfterTerm: after.failed,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

describe('a JDK HttpServer started by a bash script without a trap', { skip: whyNot() }, () => {
  let dir = '';
  let classes = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lameduck-init-java-'));
    classes = join(dir, 'classes');
    const javac = spawnSync('javac', ['-d', classes, join(exampleDir, 'src', 'Main.java')], {
      encoding: 'utf8',
    });
    assert.equal(javac.status, 0, javac.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const runJava = (init: readonly string[]) =>
    runService(init, [join(exampleDir, 'start.sh')], { APP_CLASSPATH: classes });

  test('under lameduck-init as PID 1: the JVM drains to the end while it serves, then PID 1 exits 143', async () => {
    const run = await runJava([...lameduckInit.argv, '--grace', '20s', '--']);
    assert.ok(run.stdout.includes('draining'), `the JVM got SIGTERM: ${run.stdout.join(' | ')}`);
    assert.ok(run.stdout.includes('drained'), `the drain finished: ${run.stdout.join(' | ')}`);
    assert.equal(run.code, 143, 'bash was ended by SIGTERM: 128 + 15');
    assert.ok(run.exitMs >= DRAIN_MS - 100, `PID 1 stayed for the drain (${run.exitMs} ms)`);
    assert.deepEqual(run.failedAfterTerm, [], 'no request failed during the drain');
    assert.ok(run.servedAfterTerm > 0, 'requests were served during the drain');
    assert.ok(run.closingAfterTerm > 0, 'draining responses said Connection: close');
  });

  const tini = spawnSync('tini', ['--version']).status === 0;
  test('control: under `tini -g` the JVM is killed with bash, before its drain is done', {
    skip: tini ? false : 'tini is not installed (Debian package tini)',
  }, async () => {
    const run = await runJava(['tini', '-g', '--']);
    // The JVM gets SIGTERM too, but tini exits with bash and the kernel kills the JVM, often before
    // its shutdown hook has printed anything.
    assert.ok(!run.stdout.includes('drained'), `the drain was cut: ${run.stdout.join(' | ')}`);
    assert.ok(run.exitMs < DRAIN_MS, `PID 1 left before the drain could end (${run.exitMs} ms)`);
  });
});

describe('examples/python/app.py under lameduck-init as PID 1', {
  skip: namespaceUnavailable() ?? lameduckInit.unavailable ?? false,
}, () => {
  test('drains to the end while it serves; --remap-exit 143:0 is not needed, it exits 0', async () => {
    const run = await runService(
      [...lameduckInit.argv, '--grace', '20s', '--'],
      ['python3', pythonApp],
    );
    assert.ok(run.stdout.includes('drained'), `the drain finished: ${run.stdout.join(' | ')}`);
    assert.equal(run.code, 0);
    assert.ok(run.exitMs >= DRAIN_MS - 100, `PID 1 stayed for the drain (${run.exitMs} ms)`);
    assert.deepEqual(run.failedAfterTerm, [], 'no request failed during the drain');
    assert.ok(run.servedAfterTerm > 0, 'requests were served during the drain');
    assert.ok(run.closingAfterTerm > 0, 'draining responses said Connection: close');
  });
});
