import type { LoadResult } from '../result.js';

/** How the command given after `--` ended; recorded in the JSON report as `command`. */
export interface CommandOutcome {
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  /** Why the command could not run at all (not found, not executable). */
  error: string | null;
  /** From its start to its exit (not to the close of its output, which a background child may hold). */
  durationMs: number;
  /** It was still running when the run's `--duration` ended: SIGTERM, then SIGKILL after `--kill-after`. */
  timedOut: boolean;
  /** When it started and exited, in ms since the load started: the markers on the timeline. */
  startedAtMs: number;
  endedAtMs: number;
}

/** One threshold of the verdict with what was measured against it. */
export interface ThresholdCheck {
  /** What is measured: `failed requests`, `failure rate`, `refused`, `p99 latency`. */
  readonly name: string;
  /** The flag that set it. */
  readonly flag: string;
  /** The limit as the user wrote it (`1%`, `50ms`, `5`). */
  readonly limit: string;
  /** The value measured, in the same unit. */
  readonly measured: string;
  readonly passed: boolean;
}

/** The runs a merged report combines (`lameduck load merge`). */
export interface MergedRuns {
  /** The report files, as given. */
  files: string[];
  /** Each run's start (epoch ms), in the order of `files`. */
  startedAt: number[];
  /** Each run's command after `--` (null for a run without one). */
  commands: (CommandOutcome | null)[];
}

/** The format of the `--json` document; `lameduck load merge` reads this version. */
export const REPORT_VERSION = 2;

/** The `--json` document: the result of runLoad, plus the command's outcome in command mode. */
export interface LoadReport extends LoadResult {
  /** The document's format (`REPORT_VERSION`). */
  version: number;
  command?: CommandOutcome;
  passed: boolean;
  /** Every threshold of the verdict, with the value measured. */
  thresholds: ThresholdCheck[];
  /** Why `--abort-on-fail` ended the run early; null when it did not. */
  abortedOnFail: string | null;
  /** Present in a merged report. */
  merged?: MergedRuns;
}

/** The `--json` document as written: indented, with a final newline. */
export function jsonReport(report: LoadReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
