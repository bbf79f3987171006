import { formatDuration } from 'lameduck/duration';
import { describeCommandOutcome } from '../report/format.js';
import type { CommandOutcome } from '../report/json.js';
import type { LoadResult } from '../result.js';
import { commandSucceeded } from './watched-command.js';

/** Exit code of a run interrupted by Ctrl-C or SIGTERM before it could prove anything (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** Whether the run passed, in one line, and the exit code that says so. */
export interface Verdict {
  readonly passed: boolean;
  readonly text: string;
  readonly exitCode: number;
}

/**
 * Passed when at most `maxFailures` requests failed and the command (if any) succeeded; interrupted
 * (130) when the run was cut short without failing.
 */
export function verdictOf(
  result: LoadResult,
  maxFailures: number,
  command?: CommandOutcome,
): Verdict {
  const problems: string[] = [];
  if (result.totals.failed > maxFailures) {
    problems.push(
      `${result.totals.failed} of ${result.totals.scheduled} requests failed (--max-failures ${maxFailures})`,
    );
  }
  // an interrupted run stopped the command itself: that is not the command failing
  if (command && !result.aborted && !commandSucceeded(command)) {
    problems.push(describeCommandOutcome(command));
  }
  if (problems.length)
    return { passed: false, text: `FAILED: ${problems.join('; ')}`, exitCode: 1 };
  const failed = result.totals.failed;
  const summary =
    failed === 0 ? 'no request failed' : `${failed} failed, within --max-failures ${maxFailures}`;
  if (result.aborted) {
    return {
      passed: false,
      text: `INTERRUPTED after ${formatDuration(result.elapsedMs)}: ${summary} so far`,
      exitCode: EXIT_INTERRUPTED,
    };
  }
  return { passed: true, text: `PASSED: ${summary}`, exitCode: 0 };
}
