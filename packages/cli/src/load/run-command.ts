import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatDuration } from 'lameduck/duration';
import { LameduckError, usageError } from '../core/errors.js';
import { useColor } from '../core/io.js';
import {
  type CommandOutcome,
  commandSucceeded,
  describeOutcome,
  type RunningCommand,
  startCommand,
} from './child-command.js';
import { loadOptionsFromFlags } from './cli-options.js';
import { LoadError } from './errors.js';
import type { LoadContext } from './flags.js';
import { Progress } from './progress.js';
import { htmlReport } from './report-html.js';
import { ansi, plain, textReport } from './report-text.js';
import { runLoad } from './run.js';
import type { LoadResult } from './types.js';
import { writeFileAtomic } from './write-file.js';

/** The `--json` document: the result of runLoad, plus the command's outcome in command mode. */
export interface LoadReport extends LoadResult {
  command?: CommandOutcome;
  passed: boolean;
}

/** Exit code of a run interrupted by Ctrl-C or SIGTERM before it could prove anything (128 + SIGINT). */
const EXIT_INTERRUPTED = 130;

interface Verdict {
  passed: boolean;
  text: string;
  exitCode: number;
}

function verdictOf(result: LoadResult, maxFailures: number, command?: CommandOutcome): Verdict {
  const problems: string[] = [];
  if (result.totals.failed > maxFailures) {
    problems.push(
      `${result.totals.failed} of ${result.totals.scheduled} requests failed (--max-failures ${maxFailures})`,
    );
  }
  // an interrupted run stopped the command itself: that is not the command failing
  if (command && !result.aborted && !commandSucceeded(command)) {
    problems.push(describeOutcome(command));
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

/** Runs the command after `--` while the load runs; ends the load --tail after it exits. */
async function withCommand(context: LoadContext, end: AbortController) {
  const running: RunningCommand = startCommand(context.rest, context.io, () => performance.now());
  const onAbort = () => running.kill('SIGTERM');
  context.signal.addEventListener('abort', onAbort, { once: true });
  const outcome = await running.done;
  context.signal.removeEventListener('abort', onAbort);
  if (outcome.error === null) {
    await sleep(context.options.tail, undefined, { signal: context.signal }).catch(() => {});
  }
  end.abort();
  return outcome;
}

export async function runLoadCommand(context: LoadContext): Promise<number> {
  const { options, io } = context;
  const loadOptions = await loadOptionsFromFlags(context);
  const live =
    !options.quiet && context.rest.length === 0 && io.stderr.isTTY === true && !io.env.CI;
  const progress = live ? new Progress((t) => io.stderr.write(t)) : undefined;
  const end = new AbortController();
  const commandDone = context.rest.length > 0 ? withCommand(context, end) : undefined;
  let result: LoadResult;
  try {
    result = await runLoad({
      ...loadOptions,
      signal: context.signal,
      endSignal: end.signal,
      ...(progress ? { onSecond: (s) => progress.second(s) } : {}),
    });
  } catch (error) {
    end.abort();
    if (error instanceof LoadError)
      throw usageError(`lameduck load: ${error.message}`, { cause: error });
    throw error;
  } finally {
    progress?.clear();
  }
  const command = await commandDone;
  const verdict = verdictOf(result, options.maxFailures, command);
  const report: LoadReport = { ...result, ...(command ? { command } : {}), passed: verdict.passed };
  if (options.json !== undefined)
    await writeReport(io.cwd, options.json, `${JSON.stringify(report, null, 2)}\n`);
  if (options.html !== undefined) {
    await writeReport(
      io.cwd,
      options.html,
      htmlReport({ result, passed: verdict.passed, verdict: verdict.text, command }),
    );
  }
  const paint = useColor(io) ? ansi : plain;
  if (!options.quiet)
    io.stdout.write(
      `${textReport(result, paint)}${verdict.passed ? paint.ok(verdict.text) : paint.bad(verdict.text)}\n`,
    );
  else if (!verdict.passed) io.stderr.write(`lameduck load: ${verdict.text}\n`);
  return verdict.exitCode;
}

async function writeReport(cwd: string, file: string, content: string): Promise<void> {
  try {
    await writeFileAtomic(resolve(cwd, file), content);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new LameduckError(
      'ERR_LAMEDUCK_OUTPUT',
      `lameduck load: cannot write "${file}" (${reason})`,
      { exitCode: 1, cause: error },
    );
  }
}
