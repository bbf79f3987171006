import { randomBytes } from 'node:crypto';
import { constants, write } from 'node:fs';
import { access, lstat, open, readlink, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { LameduckError } from './errors.js';
import type { Io } from './io.js';

/**
 * The one way the CLI writes a file it was asked to write (`--json`, `--html`, `--junit`, `--fix`, …).
 *
 * - `-`, `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` and `/proc/self/fd/N` go to that stream, never
 *   through the file system (so `--json /dev/stdout` as root does not replace the link with a file).
 * - Symbolic links are followed to the real target, hop by hop, so a link stays a link and the file it
 *   points at is the one written, in whatever folder it lives.
 * - A regular file (or a new one) is written atomically: a temporary file in the target's own folder,
 *   fsync, then a rename over the target, keeping its mode and owner. Readers see the old or the new
 *   content, never half of it.
 * - A character device, a FIFO or a socket is written directly.
 *
 * `prepareOutput` does every check that can fail before a long run starts; a problem is a usage error
 * (exit 2) naming the flag, the path and why.
 */
export type OutputTarget =
  | { readonly flag: string; readonly given: string; readonly kind: 'stream'; readonly fd: number }
  | {
      readonly flag: string;
      readonly given: string;
      readonly kind: 'atomic' | 'direct';
      /** The real file written, after following symbolic links. */
      readonly path: string;
    };

/** Symbolic-link hops followed before the path counts as a loop (Linux's own limit is 40). */
const MAX_LINKS = 40;

const FD_PATH = /^\/(?:dev\/fd|proc\/self\/fd)\/(\d+)$/;

/** `/dev/stdout` → 1 … ; undefined for any other path. */
function streamFd(path: string): number | undefined {
  if (path === '/dev/stdout') return 1;
  if (path === '/dev/stderr') return 2;
  const match = FD_PATH.exec(path);
  return match ? Number(match[1]) : undefined;
}

function outputError(flag: string, given: string, reason: string, exitCode = 2, cause?: unknown) {
  const shown = flag ? `${flag} ${JSON.stringify(given)}` : JSON.stringify(given);
  return new LameduckError('ERR_LAMEDUCK_OUTPUT', `lameduck: cannot write ${shown}: ${reason}`, {
    exitCode,
    ...(cause === undefined ? {} : { cause }),
  });
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}

/**
 * Resolves `given` (relative to `io.cwd`) to what will be written, and checks that it can be: the
 * folder exists and takes a new file, the target is not a folder, symbolic links end somewhere.
 */
export async function prepareOutput(
  flag: string,
  given: string,
  io: Pick<Io, 'cwd'>,
): Promise<OutputTarget> {
  if (given === '') throw outputError(flag, given, 'expected a file path or - for standard output');
  if (given === '-') return { flag, given, kind: 'stream', fd: 1 };
  let path = resolve(io.cwd, given);
  for (let hops = 0; ; hops++) {
    const fd = streamFd(path);
    if (fd !== undefined) return { flag, given, kind: 'stream', fd };
    if (hops > MAX_LINKS) throw outputError(flag, given, 'too many symbolic links (a loop?)');
    const info = await lstat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw outputError(flag, given, reasonOf(error), 2, error);
    });
    if (info?.isSymbolicLink()) {
      path = resolve(dirname(path), await readlink(path));
      continue;
    }
    if (info === undefined) {
      await checkFolder(flag, given, dirname(path));
      return { flag, given, kind: 'atomic', path };
    }
    if (info.isDirectory()) throw outputError(flag, given, `${path} is a folder`);
    if (info.isFile()) {
      await checkFolder(flag, given, dirname(path));
      await access(path, constants.W_OK).catch((error: unknown) => {
        throw outputError(flag, given, reasonOf(error), 2, error);
      });
      return { flag, given, kind: 'atomic', path };
    }
    // A device, FIFO or socket: written in place. Opening a FIFO would block here until a reader
    // comes, so only the permission is checked.
    await access(path, constants.W_OK).catch((error: unknown) => {
      throw outputError(flag, given, reasonOf(error), 2, error);
    });
    return { flag, given, kind: 'direct', path };
  }
}

/** The folder exists, is a folder, and takes a new file: checked by creating (and removing) one. */
async function checkFolder(flag: string, given: string, folder: string): Promise<void> {
  const info = await stat(folder).catch((error: unknown) => {
    throw outputError(
      flag,
      given,
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? `the folder ${folder} does not exist`
        : `the folder ${folder}: ${reasonOf(error)}`,
      2,
      error,
    );
  });
  if (!info.isDirectory()) throw outputError(flag, given, `${folder} is not a folder`);
  // access(W_OK) says yes to root even on a read-only mount; creating a file is the real test.
  const probe = join(folder, `.lameduck-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  const handle = await open(probe, 'wx').catch((error: unknown) => {
    throw outputError(
      flag,
      given,
      `the folder ${folder} does not take new files (${reasonOf(error)})`,
      2,
      error,
    );
  });
  await handle.close();
  await unlink(probe).catch(() => {});
}

/** Writes `content` to a prepared target. A failure now (disk full, target gone) exits 1. */
export async function writeOutput(
  target: OutputTarget,
  content: string | Uint8Array,
  io: Pick<Io, 'stdout' | 'stderr'>,
): Promise<void> {
  try {
    if (target.kind === 'stream') await writeStream(target.fd, content, io);
    else if (target.kind === 'direct') await writeDirect(target.path, content);
    else await writeAtomic(target.path, content);
  } catch (error) {
    if (error instanceof LameduckError) throw error;
    throw outputError(target.flag, target.given, reasonOf(error), 1, error);
  }
}

/** `prepareOutput` and `writeOutput` in one step, for writes that follow no long run. */
export async function writeOutputFile(
  flag: string,
  given: string,
  content: string | Uint8Array,
  io: Pick<Io, 'cwd' | 'stdout' | 'stderr'>,
): Promise<void> {
  await writeOutput(await prepareOutput(flag, given, io), content, io);
}

async function writeStream(
  fd: number,
  content: string | Uint8Array,
  io: Pick<Io, 'stdout' | 'stderr'>,
): Promise<void> {
  const stream = fd === 1 ? io.stdout : fd === 2 ? io.stderr : undefined;
  if (stream === undefined) {
    // Another inherited descriptor (`3> file`): write to it as it is, without reopening.
    await new Promise<void>((done, fail) => {
      const buffer = typeof content === 'string' ? Buffer.from(content) : content;
      const next = (offset: number): void => {
        if (offset >= buffer.length) {
          done();
          return;
        }
        write(fd, buffer, offset, buffer.length - offset, null, (error, written) => {
          if (error) fail(error);
          else next(offset + written);
        });
      };
      next(0);
    });
    return;
  }
  await new Promise<void>((done, fail) => {
    stream.write(content, (error) => (error ? fail(error) : done()));
  });
}

async function writeDirect(path: string, content: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
}

async function writeAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const folder = dirname(path);
  const existing = await stat(path).catch(() => undefined);
  const temporary = join(
    folder,
    `.${basename(path)}.lameduck-${process.pid}-${randomBytes(4).toString('hex')}.tmp`,
  );
  const handle = await open(temporary, 'wx', existing ? existing.mode & 0o7777 : 0o666);
  let renamed = false;
  try {
    try {
      await handle.writeFile(content);
      if (existing) {
        // open()'s mode is filtered by the umask; the old file's mode is restored as it was.
        await handle.chmod(existing.mode & 0o7777);
        if (process.getuid?.() === 0)
          await handle.chown(existing.uid, existing.gid).catch(() => {});
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
    renamed = true;
    await syncFolder(folder);
  } finally {
    if (!renamed) await unlink(temporary).catch(() => {});
  }
}

/** Makes the rename itself durable; not every file system lets a folder be fsynced. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => {});
  await handle.close();
}
