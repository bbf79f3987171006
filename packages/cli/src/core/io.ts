import type { Readable, Writable } from 'node:stream';

/**
 * What a command may touch of the outside world. The bin fills it from `process`; tests pass their
 * own streams, environment and working directory.
 */
export interface Io {
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly stdin: Readable & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** True when colour may be used on this stream: a TTY and no NO_COLOR (https://no-color.org). */
export function useColor(io: Io, stream: 'stdout' | 'stderr' = 'stdout'): boolean {
  const noColor = io.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0') return true;
  return io[stream].isTTY === true;
}
