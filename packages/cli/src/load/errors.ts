import { LameduckError } from '../core/errors.js';

/** Stable codes of the load checker's errors (docs/load.md lists each). */
export type LoadErrorCode =
  | 'ERR_LAMEDUCK_LOAD_INVALID_OPTION'
  | 'ERR_LAMEDUCK_LOAD_BODY_FILE'
  | 'ERR_LAMEDUCK_LOAD_TARGETS'
  | 'ERR_LAMEDUCK_LOAD_MERGE';

/**
 * An error of `runLoad` or `lameduck load`, with a stable `code` and the offending `option` (the name
 * of the `runLoad` option, also when the message names the flag it came from). It is bad input, so a
 * process that stops on it exits 2.
 */
export class LoadError extends LameduckError {
  override name = 'LoadError';
  declare readonly code: LoadErrorCode;
  readonly option: string | undefined;

  constructor(code: LoadErrorCode, message: string, option?: string, options?: ErrorOptions) {
    super(code, message, { ...options, exitCode: 2 });
    this.option = option;
  }
}

/** `"GE T"`, `-5`: a received value as the message shows it (control characters escaped). */
function shown(received: unknown): string {
  return typeof received === 'string' ? JSON.stringify(received) : String(received);
}

/**
 * An invalid option. Without `flag`, the message names the `runLoad` option:
 * `Invalid option "rate": expected a number > 0, received -5`. With the flag the value came from, it
 * names the flag as the user typed it: `lameduck load: --method expects an HTTP method token, got "GE T"`.
 */
export function invalidOption(
  option: string,
  expected: string,
  received: unknown,
  flag?: string,
): LoadError {
  const message =
    flag === undefined
      ? `Invalid option "${option}": expected ${expected}, received ${shown(received)}`
      : `lameduck load: ${flag} expects ${expected}, got ${shown(received)}`;
  return new LoadError('ERR_LAMEDUCK_LOAD_INVALID_OPTION', message, option);
}
