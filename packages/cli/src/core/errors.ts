import { LameduckError } from 'lameduck/errors';

export { type ErrorCode, LameduckError } from 'lameduck/errors';

/**
 * A usage error (a bad flag, argument or environment value): exit code 2, and the CLI prints where
 * to find help. The message names the flag, what was expected and what was received.
 */
export function usageError(message: string, options?: ErrorOptions): LameduckError {
  return new LameduckError('ERR_LAMEDUCK_USAGE', message, { ...options, exitCode: 2 });
}
