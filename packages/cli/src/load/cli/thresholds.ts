import { formatDuration } from 'lameduck/duration';
import { closest } from '../../args/suggest.js';
import { usageError } from '../../core/errors.js';
import { classesIn, formatMs } from '../report/format.js';
import type { ThresholdCheck } from '../report/json.js';
import { FAILURE_CLASSES, type FailureClass, type LoadResult } from '../result.js';

/**
 * What a run must stay within to pass, like k6's thresholds: each is checked after the run and listed
 * in the verdict with the value measured.
 */
export interface Thresholds {
  /** At most this many failed requests; null: no limit of its own. */
  readonly maxFailures: number | null;
  /** At most this share of the requests with an outcome failed, in percent. */
  readonly maxFailureRate: number | null;
  /** At most this many failures per class; classes not listed may not fail at all. */
  readonly maxFailuresPerClass: ReadonlyMap<FailureClass, number> | null;
  /** p99 latency of the successful requests at most this, in ms. */
  readonly maxP99Ms: number | null;
}

/** Whether `name` is a failure class a run can report. */
export function isFailureClass(name: string): name is FailureClass {
  return (FAILURE_CLASSES as readonly string[]).includes(name);
}

/** `refused=5,http-503=0` → budgets per class. Usage errors name the flag and the bad item. */
export function parseClassBudgets(text: string, flag: string): Map<FailureClass, number> {
  const budgets = new Map<FailureClass, number>();
  for (const item of text.split(',').map((s) => s.trim())) {
    if (item === '') continue;
    const match = /^([a-z0-9-]+)=(\d+)$/.exec(item);
    if (!match) {
      throw usageError(`lameduck load: ${flag} expects <class>=<n>[,<class>=<n>…], got "${item}"`);
    }
    const [, name, count] = match as unknown as [string, string, string];
    if (!isFailureClass(name)) {
      const suggestion = closest(name, [...FAILURE_CLASSES]);
      throw usageError(
        `lameduck load: ${flag} expects a failure class (${FAILURE_CLASSES.join(', ')}), got "${name}"${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
      );
    }
    if (budgets.has(name)) throw usageError(`lameduck load: ${flag} names ${name} twice`);
    budgets.set(name, Number(count));
  }
  if (budgets.size === 0)
    throw usageError(`lameduck load: ${flag} expects at least one <class>=<n>`);
  return budgets;
}

const percent = (value: number) => `${+value.toFixed(3)}%`;

/** The failure rate of a run in percent: failed among the requests that have an outcome. */
export function failureRate(result: Pick<LoadResult, 'totals'>): number {
  const { ok, failed } = result.totals;
  return ok + failed === 0 ? 0 : (100 * failed) / (ok + failed);
}

/** Every threshold, in a fixed order, with what the run measured. */
export function checkThresholds(result: LoadResult, thresholds: Thresholds): ThresholdCheck[] {
  const checks: ThresholdCheck[] = [];
  const { failed } = result.totals;
  if (thresholds.maxFailures !== null) {
    checks.push({
      name: 'failed requests',
      flag: '--max-failures',
      limit: String(thresholds.maxFailures),
      measured: String(failed),
      passed: failed <= thresholds.maxFailures,
    });
  }
  if (thresholds.maxFailureRate !== null) {
    const rate = failureRate(result);
    checks.push({
      name: 'failure rate',
      flag: '--max-failure-rate',
      limit: percent(thresholds.maxFailureRate),
      measured: percent(rate),
      passed: rate <= thresholds.maxFailureRate,
    });
  }
  const budgets = thresholds.maxFailuresPerClass;
  if (budgets !== null) {
    for (const [name, budget] of budgets) {
      const count = result.failures[name] ?? 0;
      checks.push({
        name,
        flag: '--max-failures-per-class',
        limit: String(budget),
        measured: String(count),
        passed: count <= budget,
      });
    }
    const others = classesIn(result.failures).filter((c) => !budgets.has(c));
    const count = others.reduce((sum, c) => sum + (result.failures[c] ?? 0), 0);
    checks.push({
      name: `other classes${others.length ? ` (${others.join(', ')})` : ''}`,
      flag: '--max-failures-per-class',
      limit: '0',
      measured: String(count),
      passed: count === 0,
    });
  }
  if (thresholds.maxP99Ms !== null) {
    const p99 = result.latency.p99;
    checks.push({
      name: 'p99 latency',
      flag: '--max-p99',
      limit: formatDuration(thresholds.maxP99Ms),
      measured: p99 === null ? 'no successful request' : formatMs(p99),
      passed: p99 !== null && p99 <= thresholds.maxP99Ms,
    });
  }
  return checks;
}

/** What `--abort-on-fail` watches as the run goes. */
export interface RunProgress {
  failed: number;
  failures: Partial<Record<FailureClass, number>>;
  /** Successful requests slower than `--max-p99`. */
  slow: number;
}

/**
 * Why the run can no longer pass, or null while it still can. Counts only grow, so a count over its
 * limit is final; a rate or a p99 is final once it fails even if every request still to come were
 * fine (`expected`: how many requests the whole run schedules, when known).
 */
export function verdictSettled(
  progress: RunProgress,
  thresholds: Thresholds,
  expected: number | null,
): string | null {
  if (thresholds.maxFailures !== null && progress.failed > thresholds.maxFailures) {
    return `${progress.failed} failed requests > --max-failures ${thresholds.maxFailures}`;
  }
  const budgets = thresholds.maxFailuresPerClass;
  if (budgets !== null) {
    for (const failure of classesIn(progress.failures)) {
      const count = progress.failures[failure] ?? 0;
      const budget = budgets.get(failure) ?? 0;
      if (count > budget)
        return `${failure} ${count} > --max-failures-per-class ${failure}=${budget}`;
    }
  }
  if (expected !== null && thresholds.maxFailureRate !== null) {
    if ((100 * progress.failed) / expected > thresholds.maxFailureRate) {
      return `${progress.failed} of ${expected} scheduled requests failed: over --max-failure-rate ${percent(thresholds.maxFailureRate)} whatever follows`;
    }
  }
  if (expected !== null && thresholds.maxP99Ms !== null && progress.slow > expected / 100) {
    return `${progress.slow} requests slower than --max-p99 ${formatDuration(thresholds.maxP99Ms)}: more than 1% of ${expected}`;
  }
  return null;
}
