import { rmSync } from 'node:fs';
import { LameduckError } from '../core/errors.js';
import type { Io } from '../core/io.js';
import { type OutputTarget, prepareOutput, writeOutput } from '../core/output.js';

/**
 * `--ready-file`: written through the one file writer (links followed, atomic) as the app starts,
 * removed the moment SIGTERM arrives. Prepared before the app starts, so a path that cannot be
 * written is a usage error (exit 2) and the app is never started.
 */
export interface ReadyFile {
  /** The real file written and removed (after following symbolic links). */
  readonly path: string;
  write(): Promise<void>;
  /** Removes the file; a file that is already gone is fine. */
  remove(): void;
}

/**
 * Checks `given` (relative to `io.cwd`) with `prepareOutput`. The target must be a regular file (or a
 * new one): a ready file is removed when SIGTERM arrives, and removing `-`, `/dev/stdout`, a device
 * or a FIFO is never what was meant.
 */
export async function prepareReadyFile(
  given: string,
  io: Pick<Io, 'cwd' | 'stdout' | 'stderr'>,
): Promise<ReadyFile> {
  const target = await prepareOutput('--ready-file', given, io);
  if (target.kind !== 'atomic') {
    throw new LameduckError(
      'ERR_LAMEDUCK_RUN_READY_FILE',
      `lameduck run: --ready-file expects the path of a regular file (it is removed when SIGTERM arrives), got ${JSON.stringify(given)}, which is ${describeTarget(target)}`,
      { exitCode: 2 },
    );
  }
  const { path } = target;
  return {
    path,
    write: () => writeOutput(target, 'ready\n', io),
    remove: () => rmSync(path, { force: true }),
  };
}

function describeTarget(target: OutputTarget): string {
  return target.kind === 'stream'
    ? `standard output or another open stream (fd ${target.fd})`
    : `a device, FIFO or socket (${target.path})`;
}
