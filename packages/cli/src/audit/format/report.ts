import type { AuditResult } from '../audit.js';
import type { Finding, Severity } from '../finding.js';
import type { Skipped } from '../input/read-sources.js';

/** What every output format receives. */
export interface Report {
  readonly result: AuditResult;
  readonly toolVersion: string;
  /** Whether `--fix` was given (changes the closing hint). */
  readonly fixing: boolean;
  /** Files that could not be audited. */
  readonly skipped?: readonly Skipped[];
}

export interface Counts {
  readonly error: number;
  readonly warning: number;
  readonly info: number;
  readonly fixable: number;
}

export function countFindings(findings: readonly Finding[]): Counts {
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  return {
    error: count('error'),
    warning: count('warning'),
    info: count('info'),
    fixable: findings.filter((f) => f.edits).length,
  };
}

/** `Deployment prod/web` */
export function subjectLabel(f: Finding): string {
  if (f.subject.kind === 'Dockerfile') return 'Dockerfile';
  return `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
