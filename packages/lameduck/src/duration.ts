import { LameduckError } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)/y;

/**
 * Parses a duration such as `500ms`, `5s`, `1.5s`, `2m` or `1m30s` into milliseconds.
 * A bare `0` is allowed; any other number needs a unit, so that `5` (seconds? milliseconds?) is
 * never guessed. A number of milliseconds passes through when it is finite and not negative.
 *
 * @throws {LameduckError} `ERR_LAMEDUCK_INVALID_DURATION`, naming `what` when given.
 */
export function parseDuration(input: string | number, what = 'duration'): number {
  if (typeof input === 'number') {
    if (Number.isFinite(input) && input >= 0) return input;
    throw invalid(what, input);
  }
  const text = input.trim();
  if (text === '0') return 0;
  if (text === '') throw invalid(what, input);
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (!match || match.index !== start) throw invalid(what, input);
    total += Number(match[1]) * (UNITS[match[2] as string] as number);
  }
  return Math.round(total * 1000) / 1000;
}

/** Formats milliseconds the way parseDuration reads them back: `0`, `250ms`, `5s`, `1.5s`, `2m`, `1m30s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 1000 || !Number.isInteger(ms / 100)) return `${ms}ms`;
  if (ms < 60_000 || ms % 1000 !== 0) return `${ms / 1000}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = (ms % 60_000) / 1000;
  if (minutes >= 60 && seconds === 0 && minutes % 60 === 0) return `${minutes / 60}h`;
  return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`;
}

function invalid(what: string, input: unknown): LameduckError {
  const shown = typeof input === 'string' ? `"${input}"` : String(input);
  return new LameduckError(
    'ERR_LAMEDUCK_INVALID_DURATION',
    `Invalid ${what}: expected a duration such as 500ms, 5s, 1.5s, 2m or 1m30s (a number needs a unit; only 0 may go without), received ${shown}`,
  );
}
