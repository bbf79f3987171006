import type { Severity } from '../finding.js';
import { RULES } from '../rules/registry.js';
import type { Report } from './report.js';

const LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

/** A path as a SARIF relative URI reference (forward slashes, percent-encoded), stdin as `stdin`. */
function uri(file: string): string {
  if (file === '-') return 'stdin';
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}

/**
 * SARIF 2.1.0, as GitHub code scanning reads it: one run, every rule in `tool.driver.rules` with its
 * help text, results located relative to `%SRCROOT%`, parse errors as tool notifications.
 */
export function formatSarif({ result, toolVersion, skipped }: Report): string {
  const index = new Map(RULES.map((r, i) => [r.id, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'lameduck',
            version: toolVersion,
            semanticVersion: toolVersion,
            rules: RULES.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: r.title },
              fullDescription: { text: r.why },
              help: { text: `${r.why} See docs/audit-rules.md#${r.id}.` },
              defaultConfiguration: { level: LEVEL[r.severity] },
            })),
          },
        },
        // Columns count UTF-16 code units, as JavaScript strings do.
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: {
          '%SRCROOT%': { description: { text: 'The directory lameduck audit ran in.' } },
        },
        invocations: [
          {
            executionSuccessful: result.errors.length === 0 && (skipped?.length ?? 0) === 0,
            toolExecutionNotifications: [
              ...result.errors.map((e) => ({
                level: 'error',
                message: { text: `parse error: ${e.message}` },
                locations: [location(e.file, e.position.line, e.position.column)],
              })),
              ...(skipped ?? []).map((s) => ({
                level: 'error',
                message: { text: `not audited: ${s.detail}` },
                locations: [location(s.file, 1, 1)],
              })),
              ...result.variants.map((v) => ({
                level: 'note',
                message: {
                  text: `${v.subject.kind} ${v.subject.namespace ? `${v.subject.namespace}/` : ''}${v.subject.name} is defined in ${v.files.length} files: audited as variants, not merged`,
                },
                locations: v.files.map((file) => location(file, 1, 1)),
              })),
            ],
          },
        ],
        results: result.findings.map((f) => {
          // Rendered Helm output is shown at its chart template, which is what the repository holds.
          const file = f.template?.file ?? f.file;
          const rendered = f.template
            ? ` (rendered at ${f.file === '-' ? 'stdin' : f.file}:${f.position.line}:${f.position.column})`
            : '';
          return {
            ruleId: f.rule,
            ruleIndex: index.get(f.rule) ?? -1,
            level: LEVEL[f.severity],
            message: { text: `${f.message}. Fix: ${f.fix}.${rendered}` },
            locations: [
              f.template
                ? location(file, f.template.line ?? 1, 1)
                : location(f.file, f.position.line, f.position.column),
            ],
            partialFingerprints: {
              'lameduckObject/v2': `${file}:${f.rule}:${f.subject.kind}/${f.subject.namespace ?? ''}/${f.subject.name}:${f.container ?? ''}`,
            },
          };
        }),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function location(file: string, line: number, column: number) {
  return {
    physicalLocation: {
      artifactLocation: { uri: uri(file), ...(file === '-' ? {} : { uriBaseId: '%SRCROOT%' }) },
      region: { startLine: line, startColumn: column },
    },
  };
}
