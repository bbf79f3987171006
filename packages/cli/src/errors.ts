/** Stable codes for the CLI's own errors. Subcommands add theirs in their folder. */
export type CliErrorCode = 'E_USAGE' | 'E_UNKNOWN_COMMAND' | 'E_INPUT' | 'E_RUNTIME';

/**
 * An error the CLI reports as one clear line (no stack). `exitCode` is what the process exits with:
 * 2 for usage errors (bad flags, bad arguments, unreadable input), as documented per subcommand.
 */
export class CliError extends Error {
  override name = 'CliError';
  readonly code: string;
  readonly exitCode: number;

  constructor(
    code: CliErrorCode | (string & {}),
    message: string,
    exitCode = 2,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A usage error: exit code 2, and the CLI prints where to find help. */
export function usageError(message: string, options?: ErrorOptions): CliError {
  return new CliError('E_USAGE', message, 2, options);
}
