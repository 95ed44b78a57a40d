import { formatDuration } from '../present/durations.js';
import { html, type SafeHtml } from '../present/html.js';
import { formatInstant } from '../present/instants.js';

/**
 * Small inline SVG charts: no script, no library, readable without colour (every bar has a <title> tooltip and
 * the numbers are also in the table beside it).
 */

export interface Bar {
  /** Under the bar, e.g. the run id. */
  label: string;
  value: number | null;
  /** CSS class giving the colour, e.g. `st-failed`. */
  className: string;
  /** Tooltip. */
  title: string;
  /** Link target of the bar. */
  href?: string;
}

const WIDTH = 640;
const HEIGHT = 160;
const PAD_LEFT = 56;
const PAD_BOTTOM = 20;

/** Vertical bars, oldest left, with the maximum value on the axis. */
export function barChart(caption: string, bars: Bar[], formatValue: (v: number) => string): SafeHtml {
  if (bars.length === 0) return html`<p class="muted">${caption}: no runs yet</p>`;
  const max = Math.max(1, ...bars.map((b) => b.value ?? 0));
  const plotWidth = WIDTH - PAD_LEFT - 4;
  const plotHeight = HEIGHT - PAD_BOTTOM - 8;
  const step = plotWidth / bars.length;
  const barWidth = Math.max(2, Math.min(28, step * 0.75));
  const columns = bars.map((bar, i) => {
    const value = bar.value ?? 0;
    const h = bar.value === null ? 0 : Math.max(1, (value / max) * plotHeight);
    const x = PAD_LEFT + i * step + (step - barWidth) / 2;
    const y = 8 + plotHeight - h;
    const rect = html`<rect
      class="${bar.className}"
      x="${x.toFixed(1)}"
      y="${y.toFixed(1)}"
      width="${barWidth.toFixed(1)}"
      height="${h.toFixed(1)}"
      ><title>${bar.title}</title></rect
    >`;
    const label =
      bars.length <= 30
        ? html`<text class="axis" x="${(x + barWidth / 2).toFixed(1)}" y="${HEIGHT - 6}" text-anchor="middle"
            >${bar.label}</text
          >`
        : html``;
    return bar.href ? html`<a href="${bar.href}">${rect}</a>${label}` : html`${rect}${label}`;
  });
  return html`<figure class="chart">
    <figcaption>${caption}</figcaption>
    <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="${caption}">
      <line class="grid" x1="${PAD_LEFT}" y1="8" x2="${WIDTH - 4}" y2="8" />
      <line class="grid" x1="${PAD_LEFT}" y1="${8 + plotHeight}" x2="${WIDTH - 4}" y2="${8 + plotHeight}" />
      <text class="axis" x="${PAD_LEFT - 6}" y="14" text-anchor="end">${formatValue(max)}</text>
      <text class="axis" x="${PAD_LEFT - 6}" y="${8 + plotHeight}" text-anchor="end">0</text>
      ${columns}
    </svg>
  </figure>`;
}

export interface Span {
  label: string;
  start: Date;
  /** Null while running: drawn up to `until`. */
  end: Date | null;
  className: string;
  title: string;
  /** Spans of a task group: a heading row with this name goes before the first of them. (Default: none) */
  group?: string | null;
}

/**
 * A Gantt-like timeline: one row per span, positioned on the time between the earliest start and `until`;
 * a heading row before the spans of each group.
 */
export function timeline(spans: Span[], until: Date): SafeHtml {
  if (spans.length === 0) return html`<p class="muted">no task attempts recorded</p>`;
  const width = 960;
  const labelWidth = 220;
  const rowHeight = 22;
  const from = Math.min(...spans.map((s) => s.start.getTime()));
  const to = Math.max(until.getTime(), ...spans.map((s) => (s.end ?? until).getTime()));
  const total = Math.max(1, to - from);
  const plot = width - labelWidth - 12;
  const headings = new Set(spans.flatMap((s, i) => (s.group && s.group !== spans[i - 1]?.group ? [i] : [])));
  const height = (spans.length + headings.size) * rowHeight + 8;
  let row = 0;
  const rows = spans.map((span, i) => {
    const heading = headings.has(i)
      ? html`<text class="axis group" x="8" y="${4 + row++ * rowHeight + 15}" font-weight="bold"
          >${span.group}</text
        >`
      : html``;
    const y = 4 + row++ * rowHeight;
    const x = labelWidth + ((span.start.getTime() - from) / total) * plot;
    const w = Math.max(2, (((span.end ?? until).getTime() - span.start.getTime()) / total) * plot);
    return html`${heading}<text class="axis" x="${labelWidth - 6}" y="${y + 15}" text-anchor="end"
        >${span.label}</text
      >
      <rect
        class="${span.className}"
        x="${x.toFixed(1)}"
        y="${y + 3}"
        width="${w.toFixed(1)}"
        height="${rowHeight - 6}"
        rx="2"
        ><title>${span.title}</title></rect
      >`;
  });
  return html`<svg
    class="timeline"
    viewBox="0 0 ${width} ${height + 16}"
    width="100%"
    role="img"
    aria-label="task attempts on a timeline"
  >
    <line class="grid" x1="${labelWidth}" y1="0" x2="${labelWidth}" y2="${height}" />
    <line class="grid" x1="${labelWidth}" y1="${height}" x2="${width - 12}" y2="${height}" />
    <text class="axis" x="${labelWidth}" y="${height + 12}">${formatInstant(new Date(from))}</text>
    <text class="axis" x="${width - 12}" y="${height + 12}" text-anchor="end">+${formatDuration(total)}</text>
    ${rows}
  </svg>`;
}
