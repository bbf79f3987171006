/**
 * The part of `lameduck load`'s in-process API the lab uses (packages/cli/src/load). The lab receives
 * the function by injection, so the scenario runner can be driven by any implementation of it.
 */
export type FailureClass =
  | 'refused'
  | 'reset'
  | 'closed-before-response'
  | 'timeout'
  | 'dns'
  | 'tls'
  | 'http-502'
  | 'http-503'
  | 'http-504'
  | 'http-5xx'
  | 'http-4xx'
  | 'other';

export interface LoadRequestRecord {
  /** ms since the load run started */
  readonly scheduledAt: number;
  readonly latencyMs: number;
  readonly outcome: 'ok' | FailureClass;
}

export interface LoadRunOptions {
  readonly url: string;
  readonly rate: number;
  readonly durationMs?: number;
  readonly connections?: number;
  readonly keepalive?: boolean;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onRequest?: (record: LoadRequestRecord) => void;
}

export interface LoadRunResult {
  readonly totals: {
    readonly scheduled: number;
    readonly sent: number;
    readonly ok: number;
    readonly failed: number;
    readonly late: number;
  };
  readonly failures: Readonly<Partial<Record<FailureClass, number>>>;
}

export type RunLoad = (options: LoadRunOptions) => Promise<LoadRunResult>;
