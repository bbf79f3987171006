import type { Finding } from '../finding.js';
import { ruleById } from '../rules/registry.js';
import { type Report, subjectLabel } from './report.js';

const xmlEscape = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/**
 * JUnit XML: one test suite per file, one test case per object (and per parse error), a `<failure>` per
 * finding, so CI test views show each object as passed or failed.
 */
export function formatJunit({ result }: Report): string {
  const files = new Map<string, Map<string, Finding[]>>();
  for (const f of result.findings) {
    const objects = files.get(f.file) ?? new Map<string, Finding[]>();
    const list = objects.get(subjectLabel(f)) ?? [];
    list.push(f);
    objects.set(subjectLabel(f), list);
    files.set(f.file, objects);
  }
  for (const e of result.errors) if (!files.has(e.file)) files.set(e.file, new Map());
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  for (const [file, objects] of files) {
    const cases: string[] = [];
    for (const [subject, findings] of objects) {
      const body = findings
        .map((f) => {
          const text = `${f.file}:${f.position.line}:${f.position.column} ${f.message}\nwhy: ${ruleById(f.rule)?.why ?? ''}\nfix: ${f.fix}`;
          return `      <failure message="${xmlEscape(`${f.rule}: ${f.message}`)}" type="${f.severity}">${xmlEscape(text)}</failure>`;
        })
        .join('\n');
      cases.push(
        `    <testcase name="${xmlEscape(subject)}" classname="${xmlEscape(file)}">\n${body}\n    </testcase>`,
      );
      failures += findings.length;
    }
    for (const e of result.errors.filter((x) => x.file === file)) {
      cases.push(
        `    <testcase name="parse" classname="${xmlEscape(file)}">\n      <error message="${xmlEscape(e.message)}" type="parse-error">${xmlEscape(`${e.file}:${e.position.line}:${e.position.column} ${e.message}`)}</error>\n    </testcase>`,
      );
      errors++;
    }
    tests += cases.length;
    const fileFailures = [...objects.values()].reduce((n, l) => n + l.length, 0);
    const fileErrors = result.errors.filter((x) => x.file === file).length;
    suites.push(
      `  <testsuite name="${xmlEscape(file)}" tests="${cases.length}" failures="${fileFailures}" errors="${fileErrors}">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  if (suites.length === 0) {
    suites.push(
      `  <testsuite name="lameduck audit" tests="1" failures="0" errors="0">\n    <testcase name="${result.objects} objects" classname="lameduck.audit"/>\n  </testsuite>`,
    );
    tests = 1;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="lameduck audit" tests="${tests}" failures="${failures}" errors="${errors}">\n${suites.join('\n')}\n</testsuites>\n`;
}
