import type { FailureClass, GOAWAY_CLASSES, LoadResult } from '../result.js';

type GoawayClass = (typeof GOAWAY_CLASSES)[number];

import {
  classesIn,
  describeCommandOutcome,
  formatFailures,
  formatMs,
  formatSpan,
} from './format.js';
import type { CommandOutcome, ThresholdCheck } from './json.js';
import {
  type ChartFrame,
  escapeHtml,
  lines,
  type Marker,
  type Series,
  stackedBars,
} from './svg-chart.js';

/** One colour per failure class, stable across reports. */
export const CLASS_COLORS: Readonly<Record<Exclude<FailureClass, GoawayClass>, string>> = {
  refused: '#d62728',
  reset: '#ff7f0e',
  'closed-before-response': '#e377c2',
  timeout: '#8c564b',
  dns: '#7f7f7f',
  'dns-timeout': '#5a5a5a',
  'host-unreachable': '#a55194',
  'network-unreachable': '#7b4173',
  tls: '#bcbd22',
  'http-502': '#9467bd',
  'http-503': '#1f77b4',
  'http-504': '#17becf',
  'http-5xx': '#393b79',
  'http-4xx': '#637939',
  other: '#000000',
};

const OK_COLOR = '#2ca02c';
/** The `goaway-<code>` classes share one colour. */
const GOAWAY_COLOR = '#843c39';

export function classColor(failure: FailureClass): string {
  return failure.startsWith('goaway-')
    ? GOAWAY_COLOR
    : CLASS_COLORS[failure as Exclude<FailureClass, GoawayClass>];
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 16px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.verdict{font-size:18px;font-weight:600;margin:12px 0}.pass{color:#1a7f37}.fail{color:#cf222e}
table{border-collapse:collapse;margin:4px 0}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}code{font-size:13px}
svg{width:100%;height:auto;background:#fafafa;border:1px solid #eee}
svg text{font-size:11px;fill:#555}.grid{stroke:#e4e4e4}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
.warn{color:#9a6700}svg text.clock{fill:#999}svg text.marker-label{fill:#111}tr.fail td{color:#cf222e}`;

function legend(series: readonly Series[]): string {
  return `<div class="legend">${series.map((s) => `<span><i style="background:${s.color}"></i>${escapeHtml(s.name)}</span>`).join('')}</div>`;
}

function rows(pairs: readonly (readonly [string, string])[]): string {
  return `<table>${pairs.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

export interface HtmlReportInput {
  readonly result: LoadResult;
  readonly passed: boolean;
  readonly verdict: string;
  readonly command?: CommandOutcome | undefined;
  readonly checks?: readonly ThresholdCheck[];
  /** For a merged report: how many runs it combines. */
  readonly runs?: number;
}

/** The command's start and end as chart markers. */
function commandMarkers(command: CommandOutcome | undefined): Marker[] {
  if (!command || command.error !== null) return [];
  return [
    { at: command.startedAtMs / 1000, label: 'command started' },
    {
      at: command.endedAtMs / 1000,
      label: command.timedOut ? 'command stopped' : 'command exited',
    },
  ];
}

/** A self-contained HTML page: verdict, totals, per-second charts by class, latency, options. */
export function htmlReport({
  result,
  passed,
  verdict,
  command,
  checks = [],
  runs,
}: HtmlReportInput): string {
  const seconds = result.timeline.length;
  const frame: ChartFrame = { startedAt: result.startedAt, markers: commandMarkers(command) };
  const present = classesIn(result.failures);
  const failureSeries: Series[] = present.map((c) => ({
    name: c,
    color: classColor(c),
    values: result.timeline.map((s) => s.failures[c] ?? 0),
  }));
  const okSeries: Series = {
    name: 'ok',
    color: OK_COLOR,
    values: result.timeline.map((s) => s.ok),
  };
  const latencySeries: Series[] = [
    { name: 'p50', color: '#1f77b4', values: result.timeline.map((s) => s.p50) },
    { name: 'p99', color: '#d62728', values: result.timeline.map((s) => s.p99) },
  ];
  const { totals, latency, options } = result;
  const when = new Date(result.startedAt).toISOString();
  const sections = [
    `<h1>lameduck load: ${escapeHtml(options.method)} ${escapeHtml(options.url)}</h1>`,
    `<div>${escapeHtml(when)} · ${escapeHtml(formatSpan(result.elapsedMs))} · ${options.closedLoop ? 'closed loop' : options.ramp ? `${options.ramp.from}→${options.ramp.to} req/s over ${formatSpan(options.ramp.durationMs)}` : `${options.rate} req/s`}${runs === undefined ? '' : ` · ${runs} runs merged`}</div>`,
    `<div class="verdict ${passed ? 'pass' : 'fail'}" id="verdict">${escapeHtml(verdict)}</div>`,
    rows([
      ['scheduled', String(totals.scheduled)],
      ['sent', String(totals.sent)],
      ['ok', String(totals.ok)],
      ['failed', String(totals.failed)],
      ['late', String(totals.late)],
      ['retried', String(totals.retried)],
      ['cancelled', String(totals.cancelled)],
      ['failures', formatFailures(result.failures) || 'none'],
    ]),
    ...(command
      ? [
          `<p id="command">${escapeHtml(
            command.error === null
              ? `command started at ${formatSpan(command.startedAtMs)}, ended at ${formatSpan(command.endedAtMs)}: ${describeCommandOutcome(command)}`
              : describeCommandOutcome(command),
          )}</p>`,
        ]
      : []),
    ...(checks.length
      ? [
          '<h2>Thresholds</h2>',
          `<table id="thresholds"><tr><th>threshold</th><th>limit</th><th>measured</th><th></th></tr>${checks
            .map(
              (c) =>
                `<tr class="${c.passed ? 'pass' : 'fail'}"><td>${escapeHtml(c.name)} <code>${escapeHtml(c.flag)}</code></td><td>${escapeHtml(c.limit)}</td><td>${escapeHtml(c.measured)}</td><td>${c.passed ? '✓' : '✗'}</td></tr>`,
            )
            .join('')}</table>`,
        ]
      : []),
    ...result.client.warnings.map((w) => `<p class="warn">warning: ${escapeHtml(w)}</p>`),
    '<h2>Requests per second, by outcome</h2>',
    legend([okSeries, ...failureSeries]),
    stackedBars('requests per second by outcome', [okSeries, ...failureSeries], seconds, frame),
  ];
  if (failureSeries.length) {
    sections.push(
      '<h2>Failures per second, by class</h2>',
      legend(failureSeries),
      stackedBars('failures per second by class', failureSeries, seconds, frame),
    );
  }
  sections.push(
    '<h2>Latency of ok requests (from the scheduled send)</h2>',
    legend(latencySeries),
    lines('latency p50 and p99 per second', latencySeries, seconds, ' ms', frame),
    rows([
      ['p50', formatMs(latency.p50)],
      ['p90', formatMs(latency.p90)],
      ['p99', formatMs(latency.p99)],
      ['p99.9', formatMs(latency.p999)],
      ['max', formatMs(latency.max)],
    ]),
  );
  if (result.samples.length) {
    sections.push(
      '<h2>Failure messages (first few per class)</h2>',
      rows(result.samples.map((s) => [`${s.class} ×${s.count}`, s.message] as const)),
    );
  }
  sections.push(
    '<h2>Options</h2>',
    rows(
      Object.entries(options).map(
        ([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)] as const,
      ),
    ),
  );
  if (result.targets.length > 1) {
    sections.push(
      '<h2>Targets</h2>',
      `<table id="targets"><tr><th>target</th><th>weight</th><th>ok</th><th>failed</th><th>failures</th></tr>${result.targets
        .map(
          (t) =>
            `<tr><td>${escapeHtml(`${t.method} ${t.url}`)}</td><td>${t.weight}</td><td>${t.ok}</td><td>${t.failed}</td><td>${escapeHtml(formatFailures(t.failures))}</td></tr>`,
        )
        .join('')}</table>`,
    );
  }
  // the histograms are for merging (in the --json report), not for the page
  const { histograms: _histograms, ...embedded } = result;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>lameduck load report</title><style>${STYLE}</style></head>
<body>
${sections.join('\n')}
<script type="application/json" id="result">${JSON.stringify(embedded).replace(/</g, '\\u003c')}</script>
</body></html>
`;
}
