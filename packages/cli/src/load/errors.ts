/** Stable codes of the load checker's errors. */
export type LoadErrorCode = 'ERR_LOAD_INVALID_OPTION' | 'ERR_LOAD_BODY_FILE' | 'ERR_LOAD_COMMAND';

/** An error of `runLoad` or `lameduck load`, with a stable `code` and the offending `option`. */
export class LoadError extends Error {
  override name = 'LoadError';
  readonly code: LoadErrorCode;
  readonly option: string | undefined;

  constructor(code: LoadErrorCode, message: string, option?: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.option = option;
  }
}

/** `Invalid option "rate": expected a number > 0, received -5`. */
export function invalidOption(option: string, expected: string, received: unknown): LoadError {
  const shown = typeof received === 'string' ? `"${received}"` : String(received);
  return new LoadError(
    'ERR_LOAD_INVALID_OPTION',
    `Invalid option "${option}": expected ${expected}, received ${shown}`,
    option,
  );
}
