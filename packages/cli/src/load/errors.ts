import { LameduckError } from '../core/errors.js';

/** Stable codes of the load checker's errors. */
export type LoadErrorCode =
  | 'ERR_LAMEDUCK_LOAD_INVALID_OPTION'
  | 'ERR_LAMEDUCK_LOAD_BODY_FILE'
  | 'ERR_LAMEDUCK_LOAD_COMMAND';

/**
 * An error of `runLoad` or `lameduck load`, with a stable `code` and the offending `option`. It is bad
 * input, so a process that stops on it exits 2.
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

/** `Invalid option "rate": expected a number > 0, received -5`. */
export function invalidOption(option: string, expected: string, received: unknown): LoadError {
  const shown = typeof received === 'string' ? `"${received}"` : String(received);
  return new LoadError(
    'ERR_LAMEDUCK_LOAD_INVALID_OPTION',
    `Invalid option "${option}": expected ${expected}, received ${shown}`,
    option,
  );
}
