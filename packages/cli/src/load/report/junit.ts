import { xmlEscape } from '../../core/xml.js';
import type { LoadResult } from '../result.js';
import { describeCommandOutcome, formatFailures } from './format.js';
import type { CommandOutcome, ThresholdCheck } from './json.js';

export interface JunitInput {
  readonly result: LoadResult;
  readonly checks: readonly ThresholdCheck[];
  readonly command?: CommandOutcome | undefined;
  /** The one-line verdict. */
  readonly verdict: string;
  readonly commandSucceeded: boolean;
}

/**
 * JUnit XML for CI test views: one test suite for the run, one test case per threshold (its limit
 * in the name, the measured value in the failure), and one for the command after `--`.
 */
export function junitReport({
  result,
  checks,
  command,
  verdict,
  commandSucceeded,
}: JunitInput): string {
  const seconds = (result.elapsedMs / 1000).toFixed(3);
  const cases = checks.map((c) => {
    const name = `${c.name} within ${c.limit} (${c.flag})`;
    const body = c.passed
      ? ''
      : `\n      <failure message="${xmlEscape(`${c.name}: ${c.measured}, limit ${c.limit}`)}" type="threshold">${xmlEscape(
          `${c.name} measured ${c.measured}; ${c.flag} ${c.limit}\nfailures: ${formatFailures(result.failures) || 'none'}`,
        )}</failure>\n    `;
    return `    <testcase classname="lameduck.load" name="${xmlEscape(name)}" time="${seconds}">${body}</testcase>`;
  });
  if (command) {
    const name = `command ${command.argv.join(' ')}`;
    const body = commandSucceeded
      ? ''
      : `\n      <failure message="${xmlEscape(describeCommandOutcome(command))}" type="command"/>\n    `;
    cases.push(
      `    <testcase classname="lameduck.load" name="${xmlEscape(name)}" time="${(command.durationMs / 1000).toFixed(3)}">${body}</testcase>`,
    );
  }
  const failures = checks.filter((c) => !c.passed).length + (command && !commandSucceeded ? 1 : 0);
  const o = result.options;
  const properties = [
    ['url', o.url],
    ['scheduled', String(result.totals.scheduled)],
    ['ok', String(result.totals.ok)],
    ['failed', String(result.totals.failed)],
    ['cancelled', String(result.totals.cancelled)],
    ['verdict', verdict],
  ]
    .map(
      ([k, v]) =>
        `      <property name="${xmlEscape(k as string)}" value="${xmlEscape(v as string)}"/>`,
    )
    .join('\n');
  const suite = `lameduck load ${o.method} ${o.url}`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="lameduck load" tests="${cases.length}" failures="${failures}" errors="0" time="${seconds}">
  <testsuite name="${xmlEscape(suite)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${seconds}" timestamp="${new Date(result.startedAt).toISOString()}">
    <properties>
${properties}
    </properties>
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}
