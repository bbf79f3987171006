import { constants } from 'node:os';
import { usageError } from '../core/errors.js';

/** `--remap-exit 143:0` entries: exit code of the app → exit code of `lameduck run`. */
export type ExitRemap = ReadonlyMap<number, number>;

/** The shell's convention: the exit code, or 128 + the signal number when a signal ended the process. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  if (signal !== null) return 128 + (constants.signals[signal] ?? 0);
  return 1;
}

/** Parses `143:0`, `130:0,143:0` (each `--remap-exit` may hold several, comma-separated). */
export function parseRemap(values: readonly string[]): ExitRemap {
  const remap = new Map<number, number>();
  for (const item of values.flatMap((v) => v.split(','))) {
    const text = item.trim();
    const match = /^(\d{1,3}):(\d{1,3})$/.exec(text);
    const from = Number(match?.[1]);
    const to = Number(match?.[2]);
    if (!match || from > 255 || to > 255) {
      throw usageError(
        `lameduck run: --remap-exit expects <from>:<to> with exit codes from 0 to 255 (e.g. 143:0), got "${text}"`,
      );
    }
    if (remap.has(from)) {
      throw usageError(`lameduck run: --remap-exit maps exit code ${from} more than once`);
    }
    remap.set(from, to);
  }
  return remap;
}

export function remapExit(code: number, remap: ExitRemap): number {
  return remap.get(code) ?? code;
}
