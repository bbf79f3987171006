/** Stable codes carried by every error lameduck throws. */
export type LameduckErrorCode =
  | 'ERR_LAMEDUCK_INVALID_OPTION'
  | 'ERR_LAMEDUCK_INVALID_DURATION'
  | 'ERR_LAMEDUCK_UNSUPPORTED_SERVER'
  | 'ERR_LAMEDUCK_SHUTTING_DOWN';

/** Base class of lameduck's errors; `code` is stable and documented in docs/runtime.md. */
export class LameduckError extends Error {
  override name = 'LameduckError';
  readonly code: LameduckErrorCode;

  constructor(code: LameduckErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
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

  constructor(option: string, expected: string, received: unknown) {
    super(
      'ERR_LAMEDUCK_INVALID_OPTION',
      `Invalid option \`${option}\`: expected ${expected}, received ${describe(received)}`,
    );
    this.option = option;
    this.expected = expected;
    this.received = received;
  }
}

/** Renders a received value for an error message: its JSON form and, where unclear, its type. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`;
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  if (typeof value === 'number' && !Number.isFinite(value)) return `${value} (number)`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  if (text.length > 80) text = `${text.slice(0, 77)}...`;
  return typeof value === 'object' && value !== null
    ? `${text} (${Array.isArray(value) ? 'array' : 'object'})`
    : `${text} (${typeof value})`;
}
