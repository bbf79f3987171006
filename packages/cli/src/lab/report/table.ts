import { formatDuration } from 'lameduck/duration';
import { formatSweepValue, type SweepResult } from '../scenario/sweep.js';
import type { FailureClass } from '../traffic/load-contract.js';
import type { ScenarioResult } from './result.js';
import { coarsen, failedCount } from './timeline.js';

const HEAD = [
  'scenario',
  'requests',
  'failed',
  'failures by class',
  'rollout',
  'longest termination',
];

/** `refused 12, reset 3` — classes with a count, most frequent first. */
export function formatClasses(failures: Partial<Record<FailureClass, number>>): string {
  const entries = Object.entries(failures).filter(([, n]) => (n ?? 0) > 0) as [string, number][];
  if (entries.length === 0) return '—';
  return entries
    .sort((a, b) => b[1] - a[1])
    .map(([cls, n]) => `${cls} ${n}`)
    .join(', ');
}

function seconds(ms: number): string {
  return ms <= 0 ? '—' : formatDuration(Math.round(ms / 100) * 100);
}

/** The scenario × outcome table. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => [
    r.name,
    String(r.requests),
    r.requests > 0
      ? `${r.failed} (${((100 * r.failed) / r.requests).toFixed(2)}%)`
      : String(r.failed),
    formatClasses(r.failures),
    seconds(r.rolloutMs),
    seconds(r.longestTerminationMs),
  ]);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(HEAD), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * Failures per second of load for one scenario: a strip with one character per second (· none, 1–9,
 * then # for 10 or more), then the seconds that had failures with their classes.
 */
export function formatTimeline(result: ScenarioResult, nameWidth = 18, maxLines = 8): string {
  const perSecond = coarsen(result.buckets, 1000);
  const start = perSecond[0]?.at ?? 0;
  const strip = perSecond
    .map((b) => {
      const n = failedCount(b);
      return n === 0 ? '·' : n < 10 ? String(n) : '#';
    })
    .join('');
  const bad = perSecond.filter((b) => failedCount(b) > 0);
  const lines = [`${result.name.padEnd(nameWidth)} |${strip}|`];
  for (const b of bad.slice(0, maxLines)) {
    const t = Math.round((b.at - start) / 1000);
    lines.push(
      `${''.padEnd(nameWidth)}  ${String(t).padStart(3)} s: ${failedCount(b)} failed (${formatClasses(b.failed)})`,
    );
  }
  if (bad.length > maxLines)
    lines.push(`${''.padEnd(nameWidth)}  … ${bad.length - maxLines} more seconds with failures`);
  const crashes = result.events.filter((e) => e.type === 'crashed');
  const last = crashes.at(-1);
  if (last) {
    lines.push(
      `${''.padEnd(nameWidth)}  ${crashes.length} container crash(es); last: pod ${last.pod} crashed (${last.detail ?? 'no detail'})`,
    );
  }
  if (result.error) lines.push(`${''.padEnd(nameWidth)}  error: ${result.error}`);
  return lines.join('\n');
}

/** What each scenario is, and the data path its load went through. */
export function formatDescriptions(results: readonly ScenarioResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  return results.map((r) => `${r.name.padEnd(width)}  ${r.description} [${r.dataPath}]`).join('\n');
}

/**
 * The lab's own check of the load's figures: the requests rate × duration should give, what the
 * clients scheduled (each one counted as ok or failed), and what they could not send on time.
 */
export function formatAccounting(r: ScenarioResult): string[] {
  const t = r.traffic;
  const lines: string[] = [];
  const short = t.expected - t.scheduled;
  const unsent = t.scheduled - t.sent;
  const clients = t.clients.map((c) => `${c.kind} ${c.scheduled}`).join(', ');
  lines.push(
    `${r.name}: ${t.scheduled} requests scheduled in ${(t.durationMs / 1000).toFixed(1)} s (${t.expected} expected at the rate; ${clients}), ${r.ok} ok + ${r.failed} failed${t.late ? `, ${t.late} sent late` : ''}${unsent ? `, ${unsent} never sent` : ''}`,
  );
  const noOutcome = t.scheduled - r.ok - r.failed;
  if (noOutcome !== 0) {
    lines.push(
      `${r.name}: warning: ${noOutcome} of the ${t.scheduled} requests scheduled have no outcome (neither ok nor failed): these figures are incomplete`,
    );
  }
  if (Math.abs(short) > t.clients.length + 0.01 * t.expected) {
    lines.push(
      `${r.name}: warning: the clients scheduled ${t.scheduled} requests where the rate asks for ${t.expected}: the load did not run as asked`,
    );
  }
  for (const w of t.warnings) lines.push(`${r.name}: warning: ${w}`);
  return lines;
}

export function formatReport(results: readonly ScenarioResult[]): string {
  return [
    formatTable(results),
    '',
    formatDescriptions(results),
    '',
    'Failures per second of load (· none, 1–9, # ten or more):',
    ...results.map((r) => formatTimeline(r, Math.max(18, ...results.map((x) => x.name.length)))),
    '',
    'Accounting (every request scheduled is counted once, as ok or as failed):',
    ...results.flatMap(formatAccounting),
    '',
  ].join('\n');
}

/** A sweep: failures against the value, as a table with a bar per value. */
export function formatSweep(sweep: SweepResult): string {
  const rows = sweep.points.map((p) => ({
    value: formatSweepValue(p.value),
    failed: p.result.failed,
    requests: p.result.requests,
    classes: formatClasses(p.result.failures),
    error: p.result.error,
  }));
  const most = Math.max(1, ...rows.map((r) => r.failed));
  const width = Math.max(sweep.param.length, ...rows.map((r) => r.value.length));
  const lines = [
    `Sweep of ${sweep.param} (${sweep.scenario}): failed requests against the value`,
    ...rows.map(
      (r) =>
        `${r.value.padStart(width)}  ${String(r.failed).padStart(6)} of ${String(r.requests).padEnd(6)} ${'█'.repeat(Math.ceil((40 * r.failed) / most))}${r.failed ? ` ${r.classes}` : ''}${r.error ? ` (error: ${r.error})` : ''}`,
    ),
  ];
  const safe = sweep.points.find((_, i) =>
    sweep.points.slice(i).every((q) => q.result.failed === 0 && !q.result.error),
  );
  lines.push(
    safe
      ? `smallest ${sweep.param} with no failure from there on: ${formatSweepValue(safe.value)}`
      : `no value of ${sweep.param} in this range lost nothing`,
  );
  return `${lines.join('\n')}\n`;
}
