import { describe } from './describe.js';

/**
 * The one error base of lameduck, the library and the `lameduck` command alike. Every error carries a
 * stable `code` (`ERR_LAMEDUCK_…`, documented where it is thrown) and the exit code a process that
 * stops on it exits with, so no caller has to translate one error type into another.
 */
export type ErrorCode = `ERR_LAMEDUCK_${string}`;

/** Codes the library itself throws (docs/runtime.md lists each). */
export type LameduckErrorCode =
  | 'ERR_LAMEDUCK_INVALID_OPTION'
  | 'ERR_LAMEDUCK_INVALID_DURATION'
  | 'ERR_LAMEDUCK_UNSUPPORTED_SERVER'
  | 'ERR_LAMEDUCK_SHUTTING_DOWN';

/** EX_CONFIG from sysexits.h: the configuration (options, environment variables) cannot be used. */
export const EXIT_CONFIG = 78;

export interface LameduckErrorOptions extends ErrorOptions {
  /** What a process that stops on this error exits with. @default 78 (EX_CONFIG) */
  readonly exitCode?: number;
}

/** Base class of every error lameduck throws; `code` is stable and documented. */
export class LameduckError extends Error {
  override name = 'LameduckError';
  readonly code: ErrorCode;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options: LameduckErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT_CONFIG;
  }
}

/**
 * An option (or environment variable) holds a value lameduck cannot use. The message names the
 * option, what was expected and what was received.
 */
export class InvalidOptionError extends LameduckError {
  override name = 'InvalidOptionError';
  readonly option: string;
  readonly expected: string;
  readonly received: unknown;

  constructor(option: string, expected: string, received: unknown, options?: LameduckErrorOptions) {
    const what = option.startsWith('LAMEDUCK_')
      ? `environment variable ${option}`
      : `option \`${option}\``;
    super(
      'ERR_LAMEDUCK_INVALID_OPTION',
      `Invalid ${what}: expected ${expected}, received ${describe(received)}`,
      options,
    );
    this.option = option;
    this.expected = expected;
    this.received = received;
  }
}
