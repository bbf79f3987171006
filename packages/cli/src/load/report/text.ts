import type { LoadResult, TimelineSecond } from '../result.js';
import { countFailures, formatFailures, formatMs, formatSpan } from './format.js';
import type { CommandOutcome, ThresholdCheck } from './json.js';

/** At most this many per-second rows with failures are printed; the JSON has them all. */
const MAX_ROWS = 40;

export interface Paint {
  ok(text: string): string;
  bad(text: string): string;
  dim(text: string): string;
}

export const plain: Paint = { ok: (t) => t, bad: (t) => t, dim: (t) => t };

export const ansi: Paint = {
  ok: (t) => `\u001b[32m${t}\u001b[39m`,
  bad: (t) => `\u001b[31m${t}\u001b[39m`,
  dim: (t) => `\u001b[2m${t}\u001b[22m`,
};

/** What the command adds to a report: the command's outcome and the verdict's thresholds. */
export interface TextExtras {
  readonly command?: CommandOutcome | undefined;
  readonly checks?: readonly ThresholdCheck[];
  /** For a merged report: how many runs it combines. */
  readonly runs?: number;
}

function describeRun(result: LoadResult, runs: number | undefined): string {
  const o = result.options;
  const pace = o.closedLoop
    ? 'closed loop'
    : o.ramp
      ? `${o.ramp.from}→${o.ramp.to} req/s over ${formatSpan(o.ramp.durationMs)}`
      : `${o.rate} req/s`;
  const reuse = o.keepalive
    ? `keep-alive${o.maxRequestsPerConnection ? ` (max ${o.maxRequestsPerConnection} per connection)` : ''}`
    : 'no keep-alive';
  const proto = o.http2 ? 'HTTP/2' : 'HTTP/1.1';
  const where =
    result.targets.length > 1 ? `${result.targets.length} targets` : `${o.method} ${o.url}`;
  const pool =
    o.connections === 'auto' ? 'connections: auto' : `up to ${o.connections} connections`;
  const merged = runs === undefined ? '' : `, ${runs} runs merged`;
  return `${where}  ${pace} for ${formatSpan(result.elapsedMs)}, ${proto}, ${reuse}, ${pool}${merged}`;
}

/** `1.0 s`: a time since the load started. */
const at = (ms: number) => formatSpan(Math.max(0, ms));

/** Notes on the timeline rows: when the command started and ended. */
function markers(command: CommandOutcome | undefined): Map<number, string[]> {
  const notes = new Map<number, string[]>();
  if (!command || command.error !== null) return notes;
  const add = (ms: number, note: string) => {
    const second = Math.floor(ms / 1000);
    notes.set(second, [...(notes.get(second) ?? []), note]);
  };
  add(command.startedAtMs, `◀ command started at ${at(command.startedAtMs)}`);
  add(
    command.endedAtMs,
    `◀ command ${command.timedOut ? 'stopped' : 'exited'} at ${at(command.endedAtMs)}`,
  );
  return notes;
}

/** The per-second rows that had failures (and the command's start and end), as an aligned table. */
function timelineTable(result: LoadResult, paint: Paint, notes: Map<number, string[]>): string[] {
  const failing = result.timeline.filter((s) => countFailures(s.failures) > 0);
  if (failing.length === 0) return [];
  const rows: TimelineSecond[] = failing.slice(0, MAX_ROWS);
  for (const second of notes.keys()) {
    const row = result.timeline[second];
    if (row && !rows.includes(row)) rows.push(row);
  }
  rows.sort((a, b) => a.second - b.second);
  const lines = [paint.dim('  second      ok  failed      p50      p99  failures')];
  for (const s of rows) {
    const note = notes.get(s.second);
    lines.push(
      `  ${String(s.second).padStart(6)}  ${String(s.ok).padStart(6)}  ${paint.bad(String(countFailures(s.failures)).padStart(6))}` +
        `  ${formatMs(s.p50).padStart(7)}  ${formatMs(s.p99).padStart(7)}  ${formatFailures(s.failures)}` +
        `${note ? paint.dim(`  ${note.join(', ')}`) : ''}`,
    );
  }
  if (failing.length > MAX_ROWS)
    lines.push(`  … ${failing.length - MAX_ROWS} more seconds with failures (see --json)`);
  return lines;
}

function commandLine(command: CommandOutcome): string {
  if (command.error !== null) return `  command could not start: ${command.error}`;
  const end = command.timedOut
    ? `stopped by ${command.signal} at ${at(command.endedAtMs)} (timed out)`
    : command.signal !== null
      ? `killed by ${command.signal} at ${at(command.endedAtMs)}`
      : `exited with code ${command.exitCode} at ${at(command.endedAtMs)}`;
  return `  command started at ${at(command.startedAtMs)}, ${end}; it ran ${formatSpan(command.durationMs)}`;
}

/**
 * The summary printed after a run: what ran, totals, classes, latency, the command's start and end,
 * failing seconds, per target, warnings, thresholds.
 */
export function textReport(
  result: LoadResult,
  paint: Paint = plain,
  extras: TextExtras = {},
): string {
  const { totals, latency } = result;
  const lines = [describeRun(result, extras.runs)];
  if (result.aborted) lines.push(paint.bad('  interrupted: the run ended before its duration'));
  const failed = totals.failed > 0 ? paint.bad(String(totals.failed)) : paint.ok('0');
  const more = [
    totals.retried > 0 ? `  retried ${totals.retried}` : '',
    totals.cancelled > 0 ? `  cancelled ${paint.bad(String(totals.cancelled))}` : '',
  ].join('');
  lines.push(
    `  scheduled ${totals.scheduled}  sent ${totals.sent}  ok ${totals.ok}  failed ${failed}  late ${totals.late}${more}`,
  );
  if (totals.failed > 0) lines.push(`  failures: ${paint.bad(formatFailures(result.failures))}`);
  lines.push(
    `  latency of ok requests, from the scheduled send: p50 ${formatMs(latency.p50)}  p90 ${formatMs(latency.p90)}` +
      `  p99 ${formatMs(latency.p99)}  p99.9 ${formatMs(latency.p999)}  max ${formatMs(latency.max)}`,
  );
  if (extras.command) lines.push(commandLine(extras.command));
  const table = timelineTable(result, paint, markers(extras.command));
  if (table.length) lines.push('', ...table);
  else if (totals.scheduled > 0) {
    lines.push(`  no failed request in ${formatSpan(result.elapsedMs)}`);
  }
  if (result.targets.length > 1) {
    lines.push(
      '',
      paint.dim('  target                                          ok  failed  failures'),
    );
    for (const t of result.targets) {
      lines.push(
        `  ${`${t.method} ${t.url}`.padEnd(44)}  ${String(t.ok).padStart(6)}  ${String(t.failed).padStart(6)}  ${formatFailures(t.failures)}`,
      );
    }
  }
  for (const sample of result.samples) {
    lines.push(paint.dim(`  ${sample.class}: ${sample.message} (×${sample.count})`));
  }
  for (const warning of result.client.warnings) lines.push(paint.bad(`  warning: ${warning}`));
  if (extras.checks?.length) {
    lines.push('  thresholds:');
    for (const c of extras.checks) {
      const mark = c.passed ? paint.ok('✓') : paint.bad('✗');
      lines.push(`    ${mark} ${c.name}: ${c.measured} (limit ${c.limit}, ${c.flag})`);
    }
  }
  return `${lines.join('\n')}\n`;
}
