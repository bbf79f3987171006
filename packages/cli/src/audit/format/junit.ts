import { xmlEscape } from '../../core/xml.js';
import type { Finding } from '../finding.js';
import { ruleById } from '../rules/registry.js';
import { type Report, subjectLabel } from './report.js';

/** One test case: an (object, rule) pair, a parse error, or a file that was not audited. */
interface Case {
  readonly name: string;
  readonly classname: string;
  readonly body: string;
  readonly outcome: 'passed' | 'failure' | 'error' | 'skipped';
}

/** Findings of one (object, rule) pair become one failure: the first's message, every one in the text. */
function failure(findings: readonly Finding[]): string {
  const [first] = findings as [Finding, ...Finding[]];
  const more = findings.length > 1 ? ` (+${findings.length - 1} more)` : '';
  const text = findings
    .map(
      (f) =>
        `${f.file}:${f.position.line}:${f.position.column} ${f.message}\nfix: ${f.fix}${f.template ? `\ntemplate: ${f.template.file}` : ''}`,
    )
    .join('\n\n');
  const why = ruleById(first.rule)?.why ?? '';
  return `      <failure message="${xmlEscape(`${first.message}${more}`)}" type="${first.severity}">${xmlEscape(`${text}\nwhy: ${why}`)}</failure>\n`;
}

const key = (file: string, label: string, rule: string) => `${file}\0${label}\0${rule}`;

/**
 * JUnit XML: one test suite per file, one test case per (object, rule) that was checked — passed, or
 * failed with one `<failure>` holding every finding of that rule for that object — plus a case with an
 * `<error>` per parse error and a `<skipped>` case per file that was not audited. Every count is the
 * number of test cases with that outcome, so `tests` = passed + failures + errors + skipped.
 */
export function formatJunit({ result, skipped }: Report): string {
  const byCase = new Map<string, Finding[]>();
  for (const f of result.findings) {
    const k = key(f.file, subjectLabel(f), f.rule);
    const list = byCase.get(k);
    if (list) list.push(f);
    else byCase.set(k, [f]);
  }
  const files = new Map<string, Case[]>();
  const add = (file: string, c: Case) => {
    const list = files.get(file);
    if (list) list.push(c);
    else files.set(file, [c]);
  };
  const seen = new Set<string>();
  const caseOf = (file: string, label: string, rule: string): Case => {
    const k = key(file, label, rule);
    seen.add(k);
    const findings = byCase.get(k);
    return {
      name: `${label}: ${rule}`,
      classname: file,
      body: findings ? failure(findings) : '',
      outcome: findings ? 'failure' : 'passed',
    };
  };
  for (const { file, subject, rules } of result.subjects()) {
    const label = subjectLabel({ subject } as Finding);
    for (const rule of rules) add(file, caseOf(file, label, rule));
  }
  // A finding about an object no rule lists as checked (none today) still gets its case.
  for (const f of result.findings) {
    const label = subjectLabel(f);
    if (!seen.has(key(f.file, label, f.rule))) add(f.file, caseOf(f.file, label, f.rule));
  }
  for (const e of result.errors) {
    add(e.file, {
      name: `parse error at ${e.position.line}:${e.position.column}`,
      classname: e.file,
      body: `      <error message="${xmlEscape(e.message)}" type="parse-error">${xmlEscape(`${e.file}:${e.position.line}:${e.position.column} ${e.message}`)}</error>\n`,
      outcome: 'error',
    });
  }
  for (const s of skipped ?? []) {
    add(s.file, {
      name: 'not audited',
      classname: s.file,
      body: `      <skipped message="${xmlEscape(s.detail)}"/>\n`,
      outcome: 'skipped',
    });
  }
  const count = (cases: readonly Case[], outcome: Case['outcome']) =>
    cases.filter((c) => c.outcome === outcome).length;
  const all = [...files.values()].flat();
  const suites = [...files].map(([file, cases]) => {
    const body = cases
      .map((c) =>
        c.body
          ? `    <testcase name="${xmlEscape(c.name)}" classname="${xmlEscape(c.classname)}">\n${c.body}    </testcase>`
          : `    <testcase name="${xmlEscape(c.name)}" classname="${xmlEscape(c.classname)}"/>`,
      )
      .join('\n');
    return `  <testsuite name="${xmlEscape(file)}" tests="${cases.length}" failures="${count(cases, 'failure')}" errors="${count(cases, 'error')}" skipped="${count(cases, 'skipped')}">\n${body}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="lameduck audit" tests="${all.length}" failures="${count(all, 'failure')}" errors="${count(all, 'error')}" skipped="${count(all, 'skipped')}">\n${suites.join('\n')}\n</testsuites>\n`;
}
