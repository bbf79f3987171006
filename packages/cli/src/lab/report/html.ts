import { classColor } from '../../load/report/html.js';
import type { PodEvent } from '../control-plane/events.js';
import { formatSweepValue, type SweepResult } from '../scenario/sweep.js';
import type { FailureClass } from '../traffic/load-contract.js';
import type { LabReportMeta } from './json.js';
import type { ScenarioResult } from './result.js';
import { formatClasses } from './table.js';
import { failedCount } from './timeline.js';

/** A pod's lane, segment by segment: the phase it was in, and the colour it is drawn in. */
const PHASES = {
  starting: { colour: '#c6dbef', label: 'created, not ready' },
  ready: { colour: '#2ca02c', label: 'ready (serving)' },
  prestop: { colour: '#fdd835', label: 'terminating: preStop' },
  sigterm: { colour: '#fb8c00', label: 'after SIGTERM' },
} as const;

/** Proxy views, each with its own tick colour. */
const VIEW_COLOURS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02'];

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The page's one time axis: every chart and lane maps ms since its scenario's start to x. */
interface Axis {
  readonly endMs: number;
  readonly left: number;
  readonly width: number;
  x(ms: number): number;
}

function axisFor(results: readonly ScenarioResult[]): Axis {
  const endMs = Math.max(1000, ...results.map((r) => r.teardownAt));
  const left = 110;
  const width = 1000;
  return { endMs, left, width, x: (ms) => left + (Math.max(0, ms) / endMs) * (width - left - 10) };
}

function ticks(axis: Axis, y: number, height: number): string {
  const step = axis.endMs > 60_000 ? 10_000 : axis.endMs > 20_000 ? 5_000 : 1_000;
  const out: string[] = [];
  for (let t = 0; t <= axis.endMs; t += step) {
    const x = axis.x(t).toFixed(1);
    out.push(
      `<line x1="${x}" x2="${x}" y1="0" y2="${y}" class="grid"/><text x="${x}" y="${y + height}" class="tick" text-anchor="middle">${t / 1000}s</text>`,
    );
  }
  return out.join('');
}

/** Successes (up) and failures by class (down) per 100 ms. */
function chart(r: ScenarioResult, axis: Axis): string {
  const top = 70;
  const bottom = 50;
  const base = top + 6;
  const bar = Math.max(1, axis.x(100) - axis.x(0) - 0.3);
  const maxOk = Math.max(1, ...r.buckets.map((b) => b.ok));
  const maxFailed = Math.max(1, ...r.buckets.map(failedCount));
  const parts: string[] = [];
  for (const b of r.buckets) {
    if (b.at >= r.teardownAt) continue;
    const x = axis.x(b.at).toFixed(1);
    const h = (b.ok / maxOk) * top;
    if (h > 0)
      parts.push(
        `<rect class="ok" x="${x}" y="${(base - h).toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}"><title>${b.ok} ok at ${seconds(b.at)}</title></rect>`,
      );
    let y = base;
    for (const [cls, n] of Object.entries(b.failed) as [FailureClass, number][]) {
      const fh = Math.max(3, (n / maxFailed) * bottom);
      parts.push(
        `<rect class="failed" data-class="${cls}" fill="${classColor(cls)}" x="${x}" y="${y.toFixed(1)}" width="${Math.max(2, bar).toFixed(1)}" height="${fh.toFixed(1)}"><title>${n} ${cls} at ${seconds(b.at)}</title></rect>`,
      );
      y += fh;
    }
  }
  const height = base + bottom + 18;
  return `<svg class="chart" viewBox="0 0 ${axis.width} ${height}" role="img" aria-label="${escapeHtml(r.name)}: requests per 100 ms">
${ticks(axis, base + bottom, 14)}
<line x1="${axis.left}" x2="${axis.width - 10}" y1="${base}" y2="${base}" stroke="#999"/>
<text x="4" y="14" class="tick">${maxOk} ok / 100 ms</text><text x="4" y="${base + 14}" class="tick">${maxFailed} failed</text>
${shadeTeardown(r, axis, 0, base + bottom)}
${parts.join('\n')}
</svg>`;
}

function shadeTeardown(r: ScenarioResult, axis: Axis, y: number, height: number): string {
  const x = axis.x(r.teardownAt);
  const w = Math.max(0, axis.width - 10 - x);
  if (w <= 0) return '';
  return `<rect class="teardown" x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${height}"><title>teardown: the lab removes what it created (not part of the story)</title></rect>`;
}

/** One lane per pod: its phases, SIGTERM, exit, SIGKILL, and a tick per view that stopped routing to it. */
function lanes(r: ScenarioResult, axis: Axis, views: readonly string[]): string {
  const pods = new Map<string, PodEvent[]>();
  for (const e of r.events) pods.set(e.pod, [...(pods.get(e.pod) ?? []), e]);
  const laneHeight = 22;
  const rows: string[] = [];
  let row = 0;
  for (const [pod, events] of pods) {
    const y = 6 + row * laneHeight;
    const mid = y + 8;
    const at = (type: string) => events.find((e) => e.type === type)?.at;
    const created = at('created') ?? 0;
    const ready = at('ready');
    const terminating = at('terminating');
    const sigterm = at('sigterm');
    const exited = at('exited');
    const end = Math.min(exited ?? r.teardownAt, r.teardownAt);
    const segment = (
      from: number | undefined,
      to: number | undefined,
      phase: keyof typeof PHASES,
    ) => {
      if (from === undefined || from >= end) return '';
      const stop = Math.min(to ?? end, end);
      if (stop <= from) return '';
      const x = axis.x(from);
      return `<rect class="phase" data-phase="${phase}" x="${x.toFixed(1)}" y="${y}" width="${Math.max(1, axis.x(stop) - x).toFixed(1)}" height="16" fill="${PHASES[phase].colour}"><title>${escapeHtml(`${pod}: ${PHASES[phase].label}, ${seconds(from)}–${seconds(stop)}`)}</title></rect>`;
    };
    const parts = [
      `<text x="4" y="${mid + 4}" class="pod">${escapeHtml(pod)}</text>`,
      segment(created, ready ?? terminating, 'starting'),
      segment(ready, terminating, 'ready'),
      segment(terminating, sigterm, 'prestop'),
      segment(sigterm, undefined, 'sigterm'),
    ];
    for (const e of events) {
      if (e.at < r.teardownAt) parts.push(marker(e, axis, y, views));
    }
    rows.push(parts.join(''));
    row++;
  }
  const height = 6 + row * laneHeight + 18;
  return `<svg class="lanes" viewBox="0 0 ${axis.width} ${height}" role="img" aria-label="${escapeHtml(r.name)}: pods">
${ticks(axis, height - 18, 14)}
${shadeTeardown(r, axis, 0, height - 18)}
${rows.join('\n')}
</svg>`;
}

/** A pod event on its lane: a tick per view that stopped routing, ✕ SIGKILL, ● exit, | the rest. */
function marker(e: PodEvent, axis: Axis, y: number, views: readonly string[]): string {
  const x = axis.x(e.at).toFixed(1);
  const mid = y + 8;
  const title = `<title>${escapeHtml(`${seconds(e.at)} ${e.pod} ${e.type}${e.detail ? `: ${e.detail}` : ''}`)}</title>`;
  switch (e.type) {
    case 'proxy-synced': {
      const i = Math.max(0, views.indexOf(e.view ?? ''));
      return `<line class="synced" data-view="${escapeHtml(e.view ?? '')}" x1="${x}" x2="${x}" y1="${y - 3}" y2="${y + 19}" stroke="${VIEW_COLOURS[i % VIEW_COLOURS.length]}" stroke-width="2">${title}</line>`;
    }
    case 'sigkill':
      return `<text x="${x}" y="${mid + 5}" class="kill" text-anchor="middle">✕${title}</text>`;
    case 'exited':
    case 'crashed':
      return `<circle cx="${x}" cy="${mid}" r="4" class="exit">${title}</circle>`;
    case 'sigterm':
    case 'terminating':
    case 'prestop-done':
      return `<line x1="${x}" x2="${x}" y1="${y}" y2="${y + 16}" class="mark">${title}</line>`;
    default:
      return '';
  }
}

function legend(results: readonly ScenarioResult[], views: readonly string[]): string {
  const seen = new Set<FailureClass>();
  for (const r of results)
    for (const [cls, n] of Object.entries(r.failures)) if (n) seen.add(cls as FailureClass);
  const classes = [...seen].map(
    (cls) => `<span><i style="background:${classColor(cls)}"></i>${cls}</span>`,
  );
  const phases = Object.values(PHASES).map(
    (p) => `<span><i style="background:${p.colour}"></i>${p.label}</span>`,
  );
  const ticks = views.map(
    (v, i) =>
      `<span><i class="tick-key" style="border-color:${VIEW_COLOURS[i % VIEW_COLOURS.length]}"></i>${escapeHtml(v)} stopped routing to the pod</span>`,
  );
  return `<div class="legend" id="legend">
<p><b>Requests</b> <span><i style="background:#2ca02c"></i>ok (up)</span> ${classes.length ? classes.join(' ') : '<span>no failure in any scenario</span>'} (failures, down)</p>
<p><b>Pods</b> ${phases.join(' ')} <span>● exit</span> <span class="kill">✕</span> SIGKILL <span><i style="background:#eee"></i>teardown (the lab cleaning up)</span></p>
<p><b>Proxies</b> ${ticks.join(' ')}</p>
</div>`;
}

function sweepChart(sweep: SweepResult): string {
  const width = 700;
  const height = 220;
  const left = 60;
  const bottom = 180;
  const values = sweep.points.map((p) => p.value);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const most = Math.max(1, ...sweep.points.map((p) => p.result.failed));
  const x = (v: number) => left + ((v - min) / Math.max(1, max - min)) * (width - left - 30);
  const y = (n: number) => bottom - (n / most) * (bottom - 20);
  const points = sweep.points.map(
    (p) => `${x(p.value).toFixed(1)},${y(p.result.failed).toFixed(1)}`,
  );
  const dots = sweep.points
    .map(
      (p) =>
        `<circle cx="${x(p.value).toFixed(1)}" cy="${y(p.result.failed).toFixed(1)}" r="4" class="${p.result.failed ? 'bad' : 'good'}"><title>${formatSweepValue(p.value)}: ${p.result.failed} failed of ${p.result.requests} (${escapeHtml(formatClasses(p.result.failures))})</title></circle><text x="${x(p.value).toFixed(1)}" y="${bottom + 16}" class="tick" text-anchor="middle">${formatSweepValue(p.value)}</text>`,
    )
    .join('');
  return `<section data-sweep="${escapeHtml(sweep.param)}"><h2>Sweep: failed requests against ${escapeHtml(sweep.param)} (${escapeHtml(sweep.scenario)})</h2>
<svg class="sweep" viewBox="0 0 ${width} ${height}" role="img" aria-label="failed requests against ${escapeHtml(sweep.param)}">
<line x1="${left}" x2="${width - 20}" y1="${bottom}" y2="${bottom}" stroke="#999"/><line x1="${left}" x2="${left}" y1="10" y2="${bottom}" stroke="#999"/>
<text x="4" y="24" class="tick">${most} failed</text><text x="4" y="${bottom}" class="tick">0</text>
<polyline points="${points.join(' ')}" fill="none" stroke="#d62728" stroke-width="2"/>
${dots}
</svg></section>`;
}

/**
 * A self-contained page (no network) that shows the race: one time axis for the whole page; per
 * scenario, its description, requests per 100 ms (failures by class, with a legend), and a lane per
 * pod with its phases, SIGTERM, exit and SIGKILL, and a tick for each proxy when it stopped routing
 * to the pod. What happens after the lab starts its teardown is shaded and not drawn as the story.
 */
export function renderHtml(
  results: readonly ScenarioResult[],
  meta: LabReportMeta,
  sweep?: SweepResult,
): string {
  const axis = axisFor(results);
  const views = [
    ...new Set(results.flatMap((r) => r.events.map((e) => e.view ?? '').filter(Boolean))),
  ].sort();
  const sections = results
    .map(
      (r) => `<section data-scenario="${escapeHtml(r.name)}">
<h2>${escapeHtml(r.name)} <small>${escapeHtml(r.dataPath)}</small></h2>
<p class="description">${escapeHtml(r.description)}${r.story ? ` <span class="story">Replays seed story ${escapeHtml(r.story)}.</span>` : ''}</p>
<p class="figures"><b>${r.requests}</b> requests · <b class="${r.failed ? 'bad' : 'good'}">${r.failed} failed</b> (${escapeHtml(formatClasses(r.failures))}) · ${r.traffic.expected} expected at the rate · rollout ${(r.rolloutMs / 1000).toFixed(1)} s · longest termination ${(r.longestTerminationMs / 1000).toFixed(1)} s</p>
${r.error ? `<p class="bad">${escapeHtml(r.error)}</p>` : ''}
${r.traffic.warnings.map((w) => `<p class="warning">${escapeHtml(w)}</p>`).join('\n')}
${chart(r, axis)}
${lanes(r, axis, views)}
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lameduck lab</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem auto;max-width:1100px;color:#222;padding:0 1rem}
svg{width:100%;height:auto;display:block;background:#fff}
svg.chart{border-top:1px solid #ddd}
rect.ok{fill:#2ca02c} rect.teardown{fill:#eee;opacity:.8} .grid{stroke:#eee}
.tick{font-size:10px;fill:#666} .pod{font-size:11px;fill:#333} .mark{stroke:#333;stroke-width:1}
.exit{fill:#333} .kill{fill:#b71c1c;color:#b71c1c;font-weight:bold;font-size:14px}
.bad{color:#b71c1c} .good{color:#2ca02c} circle.bad{fill:#d62728} circle.good{fill:#2ca02c}
.warning{color:#8a6d00;font-size:12px;margin:.2rem 0}
h2 small{font-weight:normal;color:#666;font-size:13px} .story{color:#555}
.legend{position:sticky;top:0;background:#fafafa;border:1px solid #ddd;padding:.3rem .6rem;font-size:12px;z-index:1}
.legend p{margin:.2rem 0} .legend span{margin-right:.9em;white-space:nowrap}
.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle;border-radius:2px}
.legend i.tick-key{width:0;height:14px;border-left:2px solid;border-radius:0}
pre{background:#f4f4f4;padding:.5rem;overflow:auto;font-size:12px}
</style></head><body>
<h1>lameduck lab</h1>
<p>Every chart on this page shares one time axis: seconds since its scenario started. Requests per 100 ms by the time they were due (ok up, failures down, by class); under them, a lane per pod and a tick for each proxy when it stopped routing new connections to that pod. Hover for details.</p>
${legend(results, views)}
${sweep ? sweepChart(sweep) : ''}
${sections}
<h2>Settings</h2><pre>${escapeHtml(JSON.stringify(meta, null, 2))}</pre>
<script>
// Marks the page as rendered once every chart has a layout (checked by the lab's browser test).
const charts = [...document.querySelectorAll('section svg.chart')];
const drawn = charts.filter((svg) => svg.getBoundingClientRect().width > 0 && svg.querySelectorAll('rect').length > 0);
const lanes = [...document.querySelectorAll('section svg.lanes')].filter((svg) => svg.querySelectorAll('rect.phase').length > 0);
document.body.dataset.rendered = drawn.length + '/' + charts.length;
document.body.dataset.lanes = String(lanes.length);
</script>
</body></html>
`;
}
