/** Small static SVG charts for the HTML report: no script, no external assets. */

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
}

const WIDTH = 960;
const HEIGHT = 220;
const LEFT = 56;
const BOTTOM = 24;
const TOP = 8;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A round upper bound for an axis: 1, 2, 5 × 10^n. */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

function axes(max: number, seconds: number, unit: string): string {
  const plotH = HEIGHT - TOP - BOTTOM;
  const parts: string[] = [];
  for (const f of [0, 0.5, 1]) {
    const y = TOP + plotH * (1 - f);
    parts.push(
      `<line x1="${LEFT}" x2="${WIDTH}" y1="${y}" y2="${y}" class="grid"/>`,
      `<text x="${LEFT - 6}" y="${y + 4}" text-anchor="end">${+(max * f).toPrecision(3)}${unit}</text>`,
    );
  }
  const every = Math.max(1, Math.ceil(seconds / 12));
  const barW = (WIDTH - LEFT) / Math.max(1, seconds);
  for (let s = 0; s < seconds; s += every) {
    parts.push(
      `<text x="${LEFT + barW * (s + 0.5)}" y="${HEIGHT - 6}" text-anchor="middle">${s}s</text>`,
    );
  }
  return parts.join('');
}

/** Stacked bars, one column per second; each segment carries a tooltip. */
export function stackedBars(label: string, series: readonly Series[], seconds: number): string {
  const plotH = HEIGHT - TOP - BOTTOM;
  let max = 0;
  for (let s = 0; s < seconds; s++) {
    max = Math.max(
      max,
      series.reduce((sum, x) => sum + (x.values[s] ?? 0), 0),
    );
  }
  const top = niceMax(max);
  const barW = (WIDTH - LEFT) / Math.max(1, seconds);
  const rects: string[] = [];
  for (let s = 0; s < seconds; s++) {
    let y = TOP + plotH;
    for (const x of series) {
      const v = x.values[s] ?? 0;
      if (v <= 0) continue;
      const h = Math.max(1, (v / top) * plotH);
      y -= h;
      rects.push(
        `<rect class="bar" data-series="${escapeHtml(x.name)}" x="${(LEFT + barW * s + 0.5).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, barW - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${x.color}"><title>${s}s: ${v} ${escapeHtml(x.name)}</title></rect>`,
      );
    }
  }
  return `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}">${axes(top, seconds, '')}${rects.join('')}</svg>`;
}

/** Lines over seconds (gaps where a value is null). */
export function lines(
  label: string,
  series: readonly Series[],
  seconds: number,
  unit: string,
): string {
  const plotH = HEIGHT - TOP - BOTTOM;
  let max = 0;
  for (const x of series) for (const v of x.values) if (v !== null) max = Math.max(max, v);
  const top = niceMax(max);
  const barW = (WIDTH - LEFT) / Math.max(1, seconds);
  const paths = series.map((x) => {
    let d = '';
    let pen = 'M';
    x.values.forEach((v, s) => {
      if (v === null) {
        pen = 'M';
        return;
      }
      d += `${pen}${(LEFT + barW * (s + 0.5)).toFixed(1)},${(TOP + plotH * (1 - v / top)).toFixed(1)} `;
      pen = 'L';
    });
    return `<path class="line" d="${d.trim()}" stroke="${x.color}" fill="none" stroke-width="2"><title>${escapeHtml(x.name)}</title></path>`;
  });
  return `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}">${axes(top, seconds, unit)}${paths.join('')}</svg>`;
}
