import { formatDuration } from 'lameduck/duration';
import type { LoadResult } from '../result.js';
import { countFailures, formatFailures, formatMs } from './format.js';

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

function describeRun(result: LoadResult): string {
  const o = result.options;
  const pace = o.closedLoop ? 'closed loop' : `${o.rate} req/s`;
  const reuse = o.keepalive
    ? `keep-alive${o.maxRequestsPerConnection ? ` (max ${o.maxRequestsPerConnection} per connection)` : ''}`
    : 'no keep-alive';
  const proto = o.http2 ? 'HTTP/2' : 'HTTP/1.1';
  return `${o.method} ${o.url}  ${pace} for ${formatDuration(result.elapsedMs)}, ${proto}, ${reuse}, up to ${o.connections} connections`;
}

/** The per-second rows that had failures, as an aligned table. */
function failureTable(result: LoadResult, paint: Paint): string[] {
  const rows = result.timeline.filter((s) => countFailures(s.failures) > 0);
  if (rows.length === 0) return [];
  const lines = [paint.dim('  second      ok  failed      p50      p99  failures')];
  for (const s of rows.slice(0, MAX_ROWS)) {
    lines.push(
      `  ${String(s.second).padStart(6)}  ${String(s.ok).padStart(6)}  ${paint.bad(String(countFailures(s.failures)).padStart(6))}` +
        `  ${formatMs(s.p50).padStart(7)}  ${formatMs(s.p99).padStart(7)}  ${formatFailures(s.failures)}`,
    );
  }
  if (rows.length > MAX_ROWS)
    lines.push(`  … ${rows.length - MAX_ROWS} more seconds with failures (see --json)`);
  return lines;
}

/** The summary printed after a run: what ran, totals, classes, latency, failing seconds, warnings. */
export function textReport(result: LoadResult, paint: Paint = plain): string {
  const { totals, latency } = result;
  const lines = [describeRun(result)];
  if (result.aborted) lines.push(paint.bad('  interrupted: the run ended before its duration'));
  const failed = totals.failed > 0 ? paint.bad(String(totals.failed)) : paint.ok('0');
  lines.push(
    `  scheduled ${totals.scheduled}  sent ${totals.sent}  ok ${totals.ok}  failed ${failed}  late ${totals.late}`,
  );
  if (totals.failed > 0) lines.push(`  failures: ${paint.bad(formatFailures(result.failures))}`);
  lines.push(
    `  latency of ok requests, from the scheduled send: p50 ${formatMs(latency.p50)}  p90 ${formatMs(latency.p90)}` +
      `  p99 ${formatMs(latency.p99)}  p99.9 ${formatMs(latency.p999)}  max ${formatMs(latency.max)}`,
  );
  const table = failureTable(result, paint);
  if (table.length) lines.push('', ...table);
  else if (totals.scheduled > 0) {
    const n = result.timeline.length;
    lines.push(`  no failed request in ${n} second${n === 1 ? '' : 's'}`);
  }
  for (const sample of result.samples) {
    lines.push(paint.dim(`  ${sample.class}: ${sample.message} (×${sample.count})`));
  }
  for (const warning of result.client.warnings) lines.push(paint.bad(`  warning: ${warning}`));
  return `${lines.join('\n')}\n`;
}
