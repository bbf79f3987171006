import type { Finding } from '../finding.js';
import { ruleById } from '../rules/registry.js';
import { countFindings, plural, type Report, subjectLabel } from './report.js';

export interface TextStyle {
  readonly color: boolean;
}

const paint = (on: boolean, code: number, text: string) =>
  on ? `\u001b[${code}m${text}\u001b[0m` : text;
const SEVERITY_COLOR = { error: 31, warning: 33, info: 36 } as const;

/**
 * Findings grouped by file, then by object; each line starts with `file:line:column` so terminals and
 * editors can jump to it, then severity, rule id and what is wrong, then why it matters and the fix.
 */
export function formatText({ result, fixing }: Report, style: TextStyle): string {
  const out: string[] = [];
  for (const error of result.errors) {
    out.push(
      `${error.file}:${error.position.line}:${error.position.column}: ${paint(style.color, 31, 'parse error')}: ${error.message}`,
    );
  }
  if (result.errors.length) out.push('');
  let file: string | undefined;
  let subject: string | undefined;
  for (const f of result.findings) {
    if (f.file !== file) {
      if (file !== undefined) out.push('');
      file = f.file;
      subject = undefined;
      out.push(paint(style.color, 1, f.file === '-' ? '(stdin)' : f.file));
    }
    const label = subjectLabel(f);
    if (label !== subject) {
      subject = label;
      out.push(`  ${label}`);
    }
    out.push(...findingLines(f, style));
  }
  out.push(...summary({ result, fixing, toolVersion: '' }));
  return `${out.join('\n')}\n`;
}

function findingLines(f: Finding, style: TextStyle): string[] {
  const where = `${f.file}:${f.position.line}:${f.position.column}`;
  const severity = paint(style.color, SEVERITY_COLOR[f.severity], f.severity);
  const why = ruleById(f.rule)?.why ?? '';
  return [
    `    ${where} ${severity} ${paint(style.color, 2, f.rule)}: ${f.message}`,
    `      why: ${why}`,
    `      fix: ${f.fix}${f.edits ? ' [fixable with --fix]' : ''}`,
  ];
}

function summary({ result, fixing }: Report): string[] {
  const counts = countFindings(result.findings);
  if (result.findings.length === 0) {
    const parse = result.errors.length ? `, ${plural(result.errors.length, 'parse error')}` : '';
    return [`No problems in ${plural(result.objects, 'object')}${parse}.`];
  }
  const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning')];
  if (counts.info) parts.push(`${counts.info} info`);
  const suppressed = result.suppressed ? `, ${result.suppressed} suppressed` : '';
  const hint =
    counts.fixable && !fixing
      ? ` ${counts.fixable} can be fixed with --fix (preview with --fix --dry-run).`
      : '';
  return ['', `${parts.join(', ')} in ${plural(result.objects, 'object')}${suppressed}.${hint}`];
}
