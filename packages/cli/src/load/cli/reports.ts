import { usageError } from '../../core/errors.js';
import { type OutputTarget, prepareOutput } from '../../core/output.js';
import type { LoadContext } from './flags.js';

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
