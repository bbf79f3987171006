import type { LoadResult } from '../result.js';

/** How the command given after `--` ended; recorded in the JSON report as `command`. */
export interface CommandOutcome {
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  /** Why the command could not run at all (not found, not executable). */
  error: string | null;
  durationMs: number;
}

/** The `--json` document: the result of runLoad, plus the command's outcome in command mode. */
export interface LoadReport extends LoadResult {
  command?: CommandOutcome;
  passed: boolean;
}

/** The `--json` document as written: indented, with a final newline. */
export function jsonReport(report: LoadReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
