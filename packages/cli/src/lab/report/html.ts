import { classColor } from '../../load/report/html.js';
import type { PodEventType } from '../control-plane/events.js';
import type { FailureClass } from '../traffic/load-contract.js';
import type { LabReportMeta } from './json.js';
import type { ScenarioResult } from './result.js';
import { formatClasses } from './table.js';
import { failedCount } from './timeline.js';

/** Pod events drawn on the charts, with their colours. */
const MARKERS: Partial<Record<PodEventType, string>> = {
  created: '#8888ff',
  ready: '#2a9d8f',
  terminating: '#e9c46a',
  'prestop-done': '#f4a261',
  sigterm: '#e76f51',
  exited: '#555555',
  sigkill: '#9d0208',
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One scenario's chart: successes (up) and failures by class (down) per 100 ms, with pod events. */
function chart(result: ScenarioResult): string {
  const buckets = result.buckets;
  const width = 900;
  const top = 110;
  const bottom = 60;
  const first = buckets[0]?.at ?? 0;
  const last = (buckets.at(-1)?.at ?? first) + 100;
  const events = result.events.filter(
    (e) => MARKERS[e.type] && e.at >= first - 500 && e.at <= last + 500,
  );
  const start = Math.min(first, ...events.map((e) => e.at));
  const end = Math.max(last, ...events.map((e) => e.at));
  const x = (t: number) => 40 + ((t - start) / Math.max(1, end - start)) * (width - 60);
  const bar = Math.max(1, x(start + 100) - x(start) - 0.5);
  const maxOk = Math.max(1, ...buckets.map((b) => b.ok));
  const maxFailed = Math.max(1, ...buckets.map(failedCount));
  const axis = top + 20;
  const parts: string[] = [];
  for (const b of buckets) {
    const h = (b.ok / maxOk) * top;
    if (h > 0)
      parts.push(
        `<rect class="ok" x="${x(b.at).toFixed(1)}" y="${(axis - h).toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}"><title>${b.ok} ok at ${(b.at / 1000).toFixed(1)} s</title></rect>`,
      );
    let y = axis;
    for (const [cls, n] of Object.entries(b.failed) as [FailureClass, number][]) {
      const fh = Math.max(2, (n / maxFailed) * bottom);
      parts.push(
        `<rect class="failed" fill="${classColor(cls)}" x="${x(b.at).toFixed(1)}" y="${y.toFixed(1)}" width="${bar.toFixed(1)}" height="${fh.toFixed(1)}"><title>${n} ${cls} at ${(b.at / 1000).toFixed(1)} s</title></rect>`,
      );
      y += fh;
    }
  }
  for (const e of events) {
    const ex = x(e.at).toFixed(1);
    parts.push(
      `<line x1="${ex}" x2="${ex}" y1="4" y2="${axis + bottom + 4}" stroke="${MARKERS[e.type]}" stroke-width="1" stroke-dasharray="3 2"><title>${escapeHtml(`${(e.at / 1000).toFixed(2)} s ${e.pod} ${e.type}${e.detail ? `: ${e.detail}` : ''}`)}</title></line>`,
    );
  }
  const ticks: string[] = [];
  for (let s = Math.ceil(start / 1000); s * 1000 <= end; s++) {
    ticks.push(
      `<text x="${x(s * 1000).toFixed(1)}" y="${axis + bottom + 18}" class="tick">${s}s</text>`,
    );
  }
  return `<svg viewBox="0 0 ${width} ${axis + bottom + 24}" role="img" aria-label="${escapeHtml(result.name)}: requests per 100 ms">
<line x1="40" x2="${width - 20}" y1="${axis}" y2="${axis}" stroke="#999"/>
<text x="2" y="14" class="tick">${maxOk}/100ms ok</text><text x="2" y="${axis + bottom}" class="tick">${maxFailed} failed</text>
${parts.join('\n')}
${ticks.join('')}
</svg>`;
}

/** A self-contained page (no network): per scenario, its figures and chart. */
export function renderHtml(results: readonly ScenarioResult[], meta: LabReportMeta): string {
  const legend = Object.entries(MARKERS)
    .map(([type, colour]) => `<span><i style="border-color:${colour}"></i>${type}</span>`)
    .join(' ');
  const sections = results
    .map(
      (r) => `<section data-scenario="${escapeHtml(r.name)}">
<h2>${escapeHtml(r.name)}</h2>
<p class="figures"><b>${r.requests}</b> requests · <b class="${r.failed ? 'bad' : 'good'}">${r.failed} failed</b> (${escapeHtml(formatClasses(r.failures))}) · rollout ${(r.rolloutMs / 1000).toFixed(1)} s · longest termination ${(r.longestTerminationMs / 1000).toFixed(1)} s</p>
${r.error ? `<p class="bad">${escapeHtml(r.error)}</p>` : ''}
${chart(r)}
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lameduck lab</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem auto;max-width:960px;color:#222}
svg{width:100%;height:auto;background:#fafafa;border:1px solid #eee}
rect.ok{fill:#2a9d8f} .tick{font-size:10px;fill:#666} .bad{color:#9d0208} .good{color:#2a9d8f}
.legend span{margin-right:1em;white-space:nowrap} .legend i{display:inline-block;width:0;height:12px;border-left:2px dashed;margin-right:4px;vertical-align:middle}
pre{background:#f4f4f4;padding:.5rem;overflow:auto}
</style></head><body>
<h1>lameduck lab</h1>
<p>Successes (up) and failures by class (down) per 100 ms of load, with pod lifecycle events. Hover for details.</p>
<p class="legend">${legend}</p>
${sections}
<h2>Settings</h2><pre>${escapeHtml(JSON.stringify(meta, null, 2))}</pre>
<script>
// Marks the page as rendered once every chart has a layout (checked by the lab's browser test).
const charts = [...document.querySelectorAll('section svg')];
const drawn = charts.filter((svg) => svg.getBoundingClientRect().width > 0 && svg.querySelectorAll('rect').length > 0);
document.body.dataset.rendered = drawn.length + '/' + charts.length;
</script>
</body></html>
`;
}
