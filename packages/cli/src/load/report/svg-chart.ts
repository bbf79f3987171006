/** Small static SVG charts for the HTML report: no script, no external assets. */

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
}

/** A moment marked on every chart: a vertical line with a label (the command's start and end). */
export interface Marker {
  /** Seconds since the run started (fractional). */
  readonly at: number;
  readonly label: string;
}

/** What every chart of a page shares: the run's wall-clock start, and its markers. */
export interface ChartFrame {
  /** Epoch ms of second 0: the axis shows the wall-clock time under the seconds. */
  readonly startedAt?: number;
  readonly markers?: readonly Marker[];
}

/** `14:03:07` (UTC) for an axis label. */
const clockTime = (epochMs: number) => new Date(epochMs).toISOString().slice(11, 19);

const WIDTH = 960;
const HEIGHT = 232;
const LEFT = 56;
const BOTTOM = 36;
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

function axes(max: number, seconds: number, unit: string, frame: ChartFrame): string {
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
    const x = LEFT + barW * (s + 0.5);
    parts.push(`<text x="${x}" y="${HEIGHT - 20}" text-anchor="middle">${s}s</text>`);
    if (frame.startedAt !== undefined) {
      parts.push(
        `<text class="clock" x="${x}" y="${HEIGHT - 6}" text-anchor="middle">${clockTime(frame.startedAt + s * 1000)}</text>`,
      );
    }
  }
  return parts.join('');
}

/** Dashed vertical lines with labels, drawn over the data. */
function markerLines(seconds: number, frame: ChartFrame): string {
  const plotH = HEIGHT - TOP - BOTTOM;
  const barW = (WIDTH - LEFT) / Math.max(1, seconds);
  return (frame.markers ?? [])
    .map((marker) => {
      const x = (LEFT + barW * marker.at).toFixed(1);
      return (
        `<line class="marker" x1="${x}" x2="${x}" y1="${TOP}" y2="${TOP + plotH}" stroke="#111" stroke-dasharray="4 3"><title>${escapeHtml(marker.label)}</title></line>` +
        `<text class="marker-label" x="${x}" y="${TOP + 10}" dx="3">${escapeHtml(marker.label)}</text>`
      );
    })
    .join('');
}

/** Stacked bars, one column per second; each segment carries a tooltip. */
export function stackedBars(
  label: string,
  series: readonly Series[],
  seconds: number,
  frame: ChartFrame = {},
): string {
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
  return `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}">${axes(top, seconds, '', frame)}${rects.join('')}${markerLines(seconds, frame)}</svg>`;
}

/** Lines over seconds (gaps where a value is null). */
export function lines(
  label: string,
  series: readonly Series[],
  seconds: number,
  unit: string,
  frame: ChartFrame = {},
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
  return `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}">${axes(top, seconds, unit, frame)}${paths.join('')}${markerLines(seconds, frame)}</svg>`;
}
