import { usageError } from '../../core/errors.js';
import { useColor } from '../../core/io.js';
import { type OutputTarget, prepareOutput, writeOutput } from '../../core/output.js';
import { htmlReport } from '../report/html.js';
import {
  type CommandOutcome,
  jsonReport,
  type LoadReport,
  type ThresholdCheck,
} from '../report/json.js';
import { junitReport } from '../report/junit.js';
import { ansi, plain, textReport } from '../report/text.js';
import type { LoadResult } from '../result.js';
import type { LoadContext } from './flags.js';
import type { Verdict } from './verdict.js';

const writesToStdout = (target: OutputTarget | undefined) =>
  target?.kind === 'stream' && target.fd === 1;

/** The report files asked for, each prepared (checked writable) before the run. */
export interface Reports {
  readonly json: OutputTarget | undefined;
  readonly html: OutputTarget | undefined;
  readonly junit: OutputTarget | undefined;
}

/** Checks before the run that every report can be written where asked; undefined when not asked. */
export async function prepareReports(
  context: Pick<LoadContext, 'options' | 'io'>,
): Promise<Reports> {
  const { options, io } = context;
  const prepare = (flag: string, path: string | undefined) =>
    path === undefined ? undefined : prepareOutput(flag, path, io);
  const json = await prepare('--json', options.json);
  const html = await prepare('--html', options.html);
  const junit = await prepare('--junit', options.junit);
  if ([json, html, junit].filter(writesToStdout).length > 1) {
    throw usageError(
      'lameduck load: only one of --json, --html and --junit can write to standard output',
    );
  }
  return { json, html, junit };
}

/** Whether standard output carries a report (the text then goes to stderr). */
export const stdoutTaken = (reports: Reports) =>
  writesToStdout(reports.json) || writesToStdout(reports.html) || writesToStdout(reports.junit);

/** A finished run (or a merge of runs), as every report shows it. */
export interface Finished {
  readonly result: LoadResult;
  readonly checks: readonly ThresholdCheck[];
  readonly verdict: Verdict;
  /** The JSON report, whole. */
  readonly json: LoadReport;
  readonly command?: CommandOutcome | undefined;
  /** False when the command (or the command of any merged run) failed. */
  readonly commandSucceeded: boolean;
  /** For a merged report: how many runs it combines. */
  readonly runs?: number;
}

/**
 * Writes every report asked for, then the text report (on stderr when standard output carries a
 * report; only a failed verdict with --quiet). `name` starts the --quiet line.
 */
export async function writeReports(
  reports: Reports,
  finished: Finished,
  context: Pick<LoadContext, 'options' | 'io'>,
  name: string,
): Promise<void> {
  const { io, options } = context;
  const { result, checks, verdict, command, runs } = finished;
  if (reports.json) await writeOutput(reports.json, jsonReport(finished.json), io);
  if (reports.html) {
    const page = htmlReport({
      result,
      passed: verdict.passed,
      verdict: verdict.text,
      command,
      checks,
      ...(runs === undefined ? {} : { runs }),
    });
    await writeOutput(reports.html, page, io);
  }
  if (reports.junit) {
    const xml = junitReport({
      result,
      checks,
      command,
      verdict: verdict.text,
      commandSucceeded: finished.commandSucceeded,
    });
    await writeOutput(reports.junit, xml, io);
  }
  const text = stdoutTaken(reports) ? io.stderr : io.stdout;
  const paint = useColor(io, text === io.stderr ? 'stderr' : 'stdout') ? ansi : plain;
  if (!options.quiet) {
    const line = verdict.passed ? paint.ok(verdict.text) : paint.bad(verdict.text);
    const extras = { command, checks, ...(runs === undefined ? {} : { runs }) };
    text.write(`${textReport(result, paint, extras)}${line}\n`);
  } else if (!verdict.passed) io.stderr.write(`${name}: ${verdict.text}\n`);
}
