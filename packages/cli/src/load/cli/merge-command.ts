import { flagName } from '../../args/spec.js';
import { usageError } from '../../core/errors.js';
import { LoadError } from '../errors.js';
import { mergeReports } from '../merge/merge-reports.js';
import { readReport } from '../merge/read-report.js';
import { type LoadReport, REPORT_VERSION } from '../report/json.js';
import type { LoadContext } from './flags.js';
import { thresholdsFromFlags } from './options-from-flags.js';
import { prepareReports, writeReports } from './reports.js';
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
  const { io } = context;
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
  const json: LoadReport & { merged: typeof merged } = {
    version: REPORT_VERSION,
    ...result,
    passed: verdict.passed,
    thresholds: checks,
    abortedOnFail: null,
    merged,
  };
  const commandsSucceeded = commands.every((c) => c === null || commandSucceeded(c));
  await writeReports(
    reports,
    { result, checks, verdict, json, commandSucceeded: commandsSucceeded, runs: runs.length },
    context,
    'lameduck load merge',
  );
  return verdict.exitCode;
}
