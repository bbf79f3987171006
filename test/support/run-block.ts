// Runs one runnable docs block (see test/support/markdown.ts) the way a reader would on a fresh
// clone: bash, `set -e -o pipefail`, `node_modules/.bin` on PATH, from a folder that links every
// top-level entry of the repository so relative paths resolve and written files stay out of the tree.
// As root, the block gets its own network and PID namespaces: its fixed ports (3000, 9000) never
// meet another test's, and every process it leaves behind ends when its shell does.
import { spawn, spawnSync } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunnableBlock } from './markdown.ts';

export interface BlockResult {
  /** Exit status of the block (128 + n when a signal ended it). */
  readonly status: number;
  /** 1-based line of the block where a command failed (from bash's ERR trap), if one did. */
  readonly failedAt: number | undefined;
  readonly output: string;
  readonly timedOut: boolean;
  /** How the block was isolated, for messages. */
  readonly isolation: 'namespaces' | 'none';
}

const canIsolate = (() => {
  if (process.getuid?.() !== 0) return false;
  const probe = spawnSync('unshare', ['--net', '--pid', '--fork', '--mount-proc', 'true'], {
    stdio: 'ignore',
  });
  return probe.status === 0;
})();

export async function runBlock(block: RunnableBlock, repositoryRoot: string): Promise<BlockResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lameduck-docs-'));
  try {
    for (const name of readdirSync(repositoryRoot)) {
      if (name === '.git') continue;
      symlinkSync(join(repositoryRoot, name), join(dir, name));
    }
    const status = join(dir, '.failed-at');
    writeFileSync(join(dir, '.block.sh'), `${block.code}\n`);
    writeFileSync(
      join(dir, '.run.sh'),
      [
        'set -e -o pipefail',
        `trap 'echo "$LINENO" > ${JSON.stringify(status)}' ERR`,
        'source ./.block.sh',
        '',
      ].join('\n'),
    );
    const command = canIsolate
      ? [
          'unshare',
          '--net',
          '--pid',
          '--fork',
          '--mount-proc',
          'bash',
          '-c',
          'ip link set lo up && exec bash ./.run.sh',
        ]
      : ['bash', './.run.sh'];
    const child = spawn(command[0] as string, command.slice(1), {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PATH: `${join(repositoryRoot, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
        HOME: dir,
        NO_COLOR: '1',
        npm_config_offline: 'true',
        npm_config_update_notifier: 'false',
        npm_config_fund: 'false',
      },
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      output += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      output += text;
    });
    let timedOut = false;
    const killGroup = () => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {}
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, block.timeoutMs);
    const exit = await new Promise<number>((resolve) => {
      child.once('exit', (code, signal) => {
        resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15));
      });
    });
    clearTimeout(timer);
    // Without namespaces, whatever the block left in its process group goes now.
    killGroup();
    let failedAt: number | undefined;
    try {
      failedAt = Number(readFileSync(status, 'utf8').trim());
    } catch {}
    return {
      status: exit,
      failedAt,
      output,
      timedOut,
      isolation: canIsolate ? 'namespaces' : 'none',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
