import { ruleById } from '../rules/registry.js';
import { countFindings, type Report } from './report.js';

/** The documented, stable JSON shape (`docs/audit.md`). Bump `version` on any incompatible change. */
export const JSON_FORMAT_VERSION = 1;

export function formatJson({ result, toolVersion }: Report): string {
  const counts = countFindings(result.findings);
  const body = {
    version: JSON_FORMAT_VERSION,
    tool: { name: 'lameduck', version: toolVersion },
    summary: {
      objects: result.objects,
      ...counts,
      suppressed: result.suppressed,
      parseErrors: result.errors.length,
    },
    findings: result.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      file: f.file,
      line: f.position.line,
      column: f.position.column,
      object: f.subject,
      container: f.container ?? null,
      message: f.message,
      why: ruleById(f.rule)?.why ?? '',
      fix: f.fix,
      fixable: f.edits !== undefined,
    })),
    errors: result.errors.map((e) => ({
      file: e.file,
      line: e.position.line,
      column: e.position.column,
      message: e.message,
    })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
