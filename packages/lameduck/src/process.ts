/**
 * The part of `process` lameduck uses. `createLameduck` takes it as an option (default: the real
 * process) so that the shutdown logic can be driven by tests without signals or exits.
 */
export interface ProcessLike {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly pid: number;
  on(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  on(
    event: 'uncaughtException' | 'unhandledRejection',
    listener: (error: unknown) => void,
  ): unknown;
  off(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(
    event: 'uncaughtException' | 'unhandledRejection',
    listener: (error: unknown) => void,
  ): unknown;
  exit(code?: number): never | undefined;
  /** Where the default logger writes. */
  readonly stderr?: { write(chunk: string): unknown };
}
