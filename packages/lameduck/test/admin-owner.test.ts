// Finding 2 of issue #10: NODE_OPTIONS="--import lameduck/auto" reaches every node process of a
// container — npm, `lameduck run`, one-shot scripts — not only the app. The admin server (and the
// signal handling) belong to the process that serves: started when its first server listens,
// never in a launcher, never keeping a server-less process alive.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from '../../../test/support/ports.ts';
import { signalProcess } from '../../../test/support/signal.ts';
import { repoRoot } from './support/child.ts';
import { fetchText, until } from './support/harness.ts';

const app = fileURLToPath(new URL('./fixtures/apps/node-http.mjs', import.meta.url));
const oneShot = fileURLToPath(new URL('./fixtures/apps/one-shot.mjs', import.meta.url));
const cli = join(repoRoot, 'packages/cli/dist/bin.js');
const auto = pathToFileURL(join(repoRoot, 'packages/lameduck/dist/auto.js')).href;

class Tree {
  readonly child: ChildProcess;
  readonly out: Record<string, number | boolean>[] = [];
  readonly logs: { event?: string; pid?: number; [k: string]: unknown }[] = [];
  readonly text: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(command: string, args: string[], env: Record<string, string>, cwd = repoRoot) {
    this.child = spawn(command, args, {
      cwd,
      env: {
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
        HOME: tmpdir(),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = once(this.child, 'exit').then(([code]) => code as number | null);
    createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      this.text.push(line);
      if (line.startsWith('{')) this.out.push(JSON.parse(line));
    });
    createInterface({ input: this.child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
      this.text.push(line);
      try {
        this.logs.push(JSON.parse(line));
      } catch {
        // npm's and the shell's own lines
      }
    });
  }

  events(event: string) {
    return this.logs.filter((l) => l.event === event);
  }
}

async function environment() {
  const adminPort = await freePort();
  return {
    adminPort,
    env: {
      NODE_OPTIONS: `--import ${auto}`,
      LAMEDUCK_ADMIN_PORT: String(adminPort),
      LAMEDUCK_ADMIN_HOST: '127.0.0.1',
      LAMEDUCK_DRAIN_DELAY: '200ms',
      LAMEDUCK_GRACE_PERIOD: '10s',
    },
  };
}

/** The app (wherever it runs in the tree) owns the admin port, answers ready, drains on SIGTERM. */
async function appOwnsAdmin(tree: Tree, adminPort: number, stop: () => void): Promise<void> {
  await until(() => tree.out.some((o) => o.port), 15_000, 'the app listening');
  const appPid = tree.out.find((o) => o.port)?.pid as number;
  await until(() => tree.events('serving').length > 0, 10_000, 'ready');
  assert.deepEqual(await fetchText(adminPort, '/readyz'), { status: 200, body: 'ready\n' });
  assert.deepEqual(tree.events('admin-listen-failed'), [], tree.text.join('\n'));
  const owners = tree.events('admin-listening');
  assert.equal(owners.length, 1, 'exactly one process claimed the admin port');
  assert.equal(owners[0]?.pid, appPid, 'and it is the app');
  stop();
  assert.equal(await tree.exited, 0, tree.text.join('\n'));
  assert.equal(tree.events('stopped').length, 1);
}

test('a one-shot script under lameduck/auto exits by itself, claiming nothing', async () => {
  const { env } = await environment();
  const tree = new Tree(process.execPath, [oneShot], env);
  const code = await Promise.race([
    tree.exited,
    new Promise((r) => setTimeout(() => r('still running'), 8000)),
  ]);
  if (code === 'still running') tree.child.kill('SIGKILL');
  assert.equal(code, 0, tree.text.join('\n'));
  assert.deepEqual(tree.events('admin-listening'), []);
});

test('sh -c: the shell is no node; the app claims the admin port', async () => {
  const { env, adminPort } = await environment();
  const tree = new Tree('sh', ['-c', `"${process.execPath}" "${app}"`], env);
  await appOwnsAdmin(tree, adminPort, () =>
    signalProcess(tree.out.find((o) => o.port)?.pid as number, 'SIGTERM'),
  );
});

test('npm start: npm loads lameduck/auto too, and leaves the admin port to the app', async () => {
  const { env, adminPort } = await environment();
  const dir = mkdtempSync(join(tmpdir(), 'lameduck-npm-'));
  try {
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'npm-start-app', private: true, scripts: { start: `node "${app}"` } }),
    );
    const tree = new Tree('npm', ['start', '--silent'], env, dir);
    // npm passes SIGTERM on to its child only in some versions; kill the app itself, as the
    // kernel does to every process of the container once PID 1 is gone.
    await appOwnsAdmin(tree, adminPort, () =>
      signalProcess(tree.out.find((o) => o.port)?.pid as number, 'SIGTERM'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lameduck run -- node app (with its own --ready-port server): the app owns the admin port', async () => {
  const { env, adminPort } = await environment();
  const readyPort = await freePort();
  const tree = new Tree(
    process.execPath,
    [
      cli,
      'run',
      '--ready-port',
      String(readyPort),
      '--ready-host',
      '127.0.0.1',
      '--',
      process.execPath,
      app,
    ],
    env,
  );
  await until(() => tree.out.some((o) => o.port), 15_000, 'the app listening');
  assert.equal(
    (await fetchText(readyPort, '/')).status,
    200,
    'lameduck run answers on its own port',
  );
  // SIGTERM to lameduck run, which passes it on to the app's process group.
  await appOwnsAdmin(tree, adminPort, () => tree.child.kill('SIGTERM'));
});

test('which main scripts are launchers: npm and the lameduck command, not the lab demo app in the same package', async () => {
  const { isLauncher } = await import('../src/launcher.ts');
  const { realpathSync } = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  // npm's own bin, wherever this Node installed it (`which npm` is a link to bin/npm-cli.js).
  const npmCli = realpathSync(execFileSync('sh', ['-c', 'command -v npm']).toString().trim());
  assert.equal(isLauncher(npmCli), true, npmCli);
  assert.equal(isLauncher(cli), true);
  assert.equal(isLauncher(join(repoRoot, 'packages/cli/bin/lameduck.js')), true);
  assert.equal(isLauncher(join(repoRoot, 'packages/cli/dist/lab/demo-app.js')), false);
  assert.equal(isLauncher(app), false);
  assert.equal(isLauncher(undefined), false);
});
