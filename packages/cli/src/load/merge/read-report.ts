import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { isRecord } from '../../core/records.js';
import { LoadError } from '../errors.js';
import { type LoadReport, REPORT_VERSION } from '../report/json.js';

const fail = (file: string, what: string, cause?: unknown) =>
  new LoadError(
    'ERR_LAMEDUCK_LOAD_MERGE',
    `lameduck load merge: ${file}: ${what}`,
    'merge',
    cause === undefined ? undefined : { cause },
  );

const isSparse = (value: unknown) =>
  isRecord(value) &&
  typeof value.precisionBits === 'number' &&
  typeof value.max === 'number' &&
  Array.isArray(value.buckets);

/**
 * Reads one `--json` report of `lameduck load` for a merge, and checks what the merge relies on: the
 * format version, the totals, the timeline and the histograms (one per timeline row).
 * @throws {LoadError} `ERR_LAMEDUCK_LOAD_MERGE` (exit 2) naming the file and what is wrong
 */
export async function readReport(file: string, cwd: string): Promise<LoadReport> {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fail(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`, error);
  }
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch (error) {
    throw fail(file, `is not JSON (${(error as Error).message})`, error);
  }
  if (!isRecord(report) || !isRecord(report.totals) || !Array.isArray(report.timeline)) {
    throw fail(file, 'is not a report of lameduck load --json');
  }
  if (report.version !== REPORT_VERSION) {
    throw fail(
      file,
      `expects a report of format version ${REPORT_VERSION} (lameduck load --json of this version), got version ${JSON.stringify(report.version ?? null)}`,
    );
  }
  const histograms = report.histograms;
  if (
    !isRecord(histograms) ||
    histograms.version !== 1 ||
    !isSparse(histograms.overall) ||
    !Array.isArray(histograms.seconds) ||
    histograms.seconds.length !== report.timeline.length ||
    !histograms.seconds.every(isSparse)
  ) {
    throw fail(file, 'has no latency histograms of version 1 (one per timeline row) to merge');
  }
  if (typeof report.startedAt !== 'number') throw fail(file, 'has no startedAt');
  return report as unknown as LoadReport;
}
