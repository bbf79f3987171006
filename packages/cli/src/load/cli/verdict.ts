import { formatDuration } from 'lameduck/duration';
import { describeCommandOutcome } from '../report/format.js';
import type { CommandOutcome, ThresholdCheck } from '../report/json.js';
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

export interface VerdictInput {
  readonly result: Pick<LoadResult, 'totals' | 'elapsedMs'>;
  /** Every threshold with what was measured (see thresholds.ts). */
  readonly checks: readonly ThresholdCheck[];
  readonly command?: CommandOutcome | undefined;
  /** A merged report: the commands of its runs. */
  readonly commands?: readonly (CommandOutcome | null)[];
  /** Ctrl-C or SIGTERM reached lameduck. */
  readonly interrupted: boolean;
  /** Why `--abort-on-fail` stopped the run, or null. */
  readonly abortedOnFail: string | null;
}

/** `10 of 10 requests failed (--max-failures 0)`, `p99 latency 120 ms > --max-p99 50ms`. */
function describeFailedCheck(check: ThresholdCheck, result: VerdictInput['result']): string {
  if (check.flag === '--max-failures') {
    return `${check.measured} of ${result.totals.scheduled} requests failed (--max-failures ${check.limit})`;
  }
  if (check.flag === '--max-failures-per-class') {
    return `${check.name} ${check.measured} > ${check.limit} (${check.flag})`;
  }
  return `${check.name} ${check.measured} > ${check.flag} ${check.limit}`;
}

/**
 * Passed when every threshold holds and the command (if any) succeeded. Interrupted (130) when
 * Ctrl-C or SIGTERM cut the run short without any threshold failing so far, whatever the command
 * (which received the signal) did.
 */
export function verdictOf(input: VerdictInput): Verdict {
  const { result, checks, command, interrupted, abortedOnFail } = input;
  const problems = checks.filter((c) => !c.passed).map((c) => describeFailedCheck(c, result));
  // an interrupted run stopped the command itself, and so did --abort-on-fail
  if (command && !interrupted && abortedOnFail === null && !commandSucceeded(command)) {
    problems.push(describeCommandOutcome(command));
  }
  (input.commands ?? []).forEach((run, i) => {
    if (run && !commandSucceeded(run))
      problems.push(`run ${i + 1}: ${describeCommandOutcome(run)}`);
  });
  if (problems.length) {
    const early = abortedOnFail !== null ? ' (stopped early by --abort-on-fail)' : '';
    return { passed: false, text: `FAILED${early}: ${problems.join('; ')}`, exitCode: 1 };
  }
  const failed = result.totals.failed;
  const maxFailures = checks.find((c) => c.flag === '--max-failures');
  const summary =
    failed === 0
      ? 'no request failed'
      : maxFailures && checks.length === 1
        ? `${failed} failed, within --max-failures ${maxFailures.limit}`
        : `${failed} failed, within every threshold`;
  if (interrupted) {
    return {
      passed: false,
      text: `INTERRUPTED after ${formatDuration(result.elapsedMs)}: ${summary} so far`,
      exitCode: EXIT_INTERRUPTED,
    };
  }
  return { passed: true, text: `PASSED: ${summary}`, exitCode: 0 };
}
