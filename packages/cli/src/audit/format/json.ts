import { ruleById } from '../rules/registry.js';
import { countFindings, type Report } from './report.js';

/** The documented, stable JSON shape (`docs/audit.md`). Bump `version` on any incompatible change. */
export const JSON_FORMAT_VERSION = 1;

export function formatJson({ result, toolVersion, skipped }: Report): string {
  const counts = countFindings(result.findings);
  const body = {
    version: JSON_FORMAT_VERSION,
    tool: { name: 'lameduck', version: toolVersion },
    summary: {
      objects: result.objects,
      ...counts,
      suppressed: result.suppressed,
      parseErrors: result.errors.length,
      skipped: skipped?.length ?? 0,
    },
    findings: result.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      file: f.file,
      line: f.position.line,
      column: f.position.column,
      ...(f.template ? { template: f.template } : {}),
      object: f.subject,
      container: f.container ?? null,
      message: f.message,
      why: ruleById(f.rule)?.why ?? '',
      fix: f.fix,
      fixable: f.edits !== undefined,
    })),
    skipped: (skipped ?? []).map((s) => ({ file: s.file, reason: s.reason, detail: s.detail })),
    variants: result.variants.map((v) => ({ object: v.subject, files: v.files })),
    errors: result.errors.map((e) => ({
      file: e.file,
      line: e.position.line,
      column: e.position.column,
      message: e.message,
    })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
