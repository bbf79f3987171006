/**
 * The logging interface lameduck writes to: pino's calling convention (a fields object, then a
 * message), so a pino, bunyan or winston-with-adapter logger can be passed as is.
 */
export interface Logger {
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
  debug?(fields: object, message?: string): void;
}

/** Writes one JSON object per line: `{"time":…,"level":"info","name":"lameduck","msg":…,…fields}`. */
export function jsonLogger(
  stream: { write(chunk: string): unknown },
  now: () => number = Date.now,
): Logger {
  const write = (level: string) => (fields: object, message?: string) => {
    const line = {
      time: new Date(now()).toISOString(),
      level,
      name: 'lameduck',
      ...(message === undefined ? {} : { msg: message }),
      ...fields,
    };
    stream.write(`${JSON.stringify(line, errorsAsObjects)}\n`);
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
};

function errorsAsObjects(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { type: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
  }
  return value;
}
