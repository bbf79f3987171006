import { flagName } from '../../args/spec.js';
import { usageError } from '../../core/errors.js';
import { useColor } from '../../core/io.js';
import { writeOutput } from '../../core/output.js';
import { LoadError } from '../errors.js';
import { mergeReports } from '../merge/merge-reports.js';
import { readReport } from '../merge/read-report.js';
import { htmlReport } from '../report/html.js';
import { jsonReport, type LoadReport, REPORT_VERSION } from '../report/json.js';
import { junitReport } from '../report/junit.js';
import { ansi, plain, textReport } from '../report/text.js';
import type { LoadContext } from './flags.js';
import { thresholdsFromFlags } from './options-from-flags.js';
import { prepareReports, stdoutTaken } from './reports.js';
import { checkThresholds } from './thresholds.js';
import { verdictOf } from './verdict.js';
import { commandSucceeded } from './watched-command.js';

/** The flags `lameduck load merge` reads; any other is a usage error. */
const MERGE_FLAGS = new Set([
  'json',
  'html',
  'junit',
  'quiet',
  'maxFailures',
  'maxFailureRate',
  'maxFailuresPerClass',
  'maxP99',
]);

/**
 * `lameduck load merge a.json b.json … [--html f] [--json f] [--junit f] [thresholds]`: one report for
 * runs made at the same time on several machines (N load pods of a Kubernetes Job, each at rate/N).
 * The thresholds are checked on the merged figures; a run whose command failed fails the merge.
 */
export async function runMerge(context: LoadContext): Promise<number> {
  const { io, options } = context;
  const files = context.positionals.slice(1);
  const other = [...context.given].find((key) => !MERGE_FLAGS.has(key));
  if (other !== undefined) {
    throw usageError(
      `lameduck load merge: --${flagName(other)} does not apply to merge (it reads finished runs)`,
    );
  }
  if (context.rest.length > 0) throw usageError('lameduck load merge: runs no command after `--`');
  if (files.length === 0) {
    throw usageError(
      'lameduck load merge: missing argument <report.json> (the --json reports of the runs)',
    );
  }
  const thresholds = thresholdsFromFlags(context);
  const reports = await prepareReports(context);
  const runs: LoadReport[] = [];
  for (const file of files) runs.push(await readReport(file, io.cwd));
  const [first] = runs as [LoadReport];
  const mismatch = runs.findIndex(
    (r) =>
      r.histograms.overall.precisionBits !== first.histograms.overall.precisionBits ||
      r.histograms.seconds.some(
        (s) => s.precisionBits !== first.histograms.seconds[0]?.precisionBits,
      ),
  );
  if (mismatch > 0) {
    throw new LoadError(
      'ERR_LAMEDUCK_LOAD_MERGE',
      `lameduck load merge: ${files[mismatch]}: its histograms have another precision than ${files[0]}'s`,
      'merge',
    );
  }
  const { result, commands } = mergeReports(runs);
  const checks = checkThresholds(result, thresholds);
  const verdict = verdictOf({ result, checks, commands, interrupted: false, abortedOnFail: null });
  const merged = { files, startedAt: runs.map((r) => r.startedAt), commands };
  if (reports.json) {
    const report: LoadReport & { merged: typeof merged } = {
      version: REPORT_VERSION,
      ...result,
      passed: verdict.passed,
      thresholds: checks,
      abortedOnFail: null,
      merged,
    };
    await writeOutput(reports.json, jsonReport(report), io);
  }
  if (reports.html) {
    const page = htmlReport({
      result,
      passed: verdict.passed,
      verdict: verdict.text,
      checks,
      runs: runs.length,
    });
    await writeOutput(reports.html, page, io);
  }
  if (reports.junit) {
    const failed = commands.some((c) => c !== null && !commandSucceeded(c));
    await writeOutput(
      reports.junit,
      junitReport({ result, checks, verdict: verdict.text, commandSucceeded: !failed }),
      io,
    );
  }
  const text = stdoutTaken(reports) ? io.stderr : io.stdout;
  const paint = useColor(io, text === io.stderr ? 'stderr' : 'stdout') ? ansi : plain;
  if (!options.quiet) {
    const line = verdict.passed ? paint.ok(verdict.text) : paint.bad(verdict.text);
    text.write(`${textReport(result, paint, { checks, runs: runs.length })}${line}\n`);
  } else if (!verdict.passed) io.stderr.write(`lameduck load merge: ${verdict.text}\n`);
  return verdict.exitCode;
}
