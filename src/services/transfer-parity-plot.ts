/**
 * Parity plot as a self-contained SVG (no scripts, no external fonts): predicted against
 * actual values, one colour per series, the y = x line, linear axes with "nice" ticks
 * (1, 2 or 5 × 10ⁿ steps) over the common range of both axes so the diagonal is at 45°.
 * Axis labels carry the unit. Deterministic: the same data gives the same bytes.
 */
export interface ParitySeries {
  readonly label: string;
  readonly actual: ArrayLike<number>;
  readonly predicted: ArrayLike<number>;
}

export interface ParityPlot {
  readonly title: string;
  readonly unit: string;
  readonly series: readonly ParitySeries[];
  readonly sizePx?: number;
}

const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] as string,
  );
}

/** Tick positions covering [lo, hi] with about `count` steps of 1, 2 or 5 × 10ⁿ. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  // The 1-2-5 step whose number of intervals is nearest the one asked for.
  const step = [1, 2, 5, 10]
    .map((f) => f * magnitude)
    .reduce((best, s) => (Math.abs((hi - lo) / s - count) < Math.abs((hi - lo) / best - count) ? s : best));
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

const fmt = (v: number): string => Number(v.toPrecision(6)).toString();

export function renderParitySvg(plot: ParityPlot): string {
  const size = plot.sizePx ?? 480;
  const margin = { left: 64, right: 16, top: 40, bottom: 56 };
  const legendHeight = 16 * plot.series.length;
  const width = size;
  const height = size + legendHeight;
  const inner = size - margin.left - margin.right;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of plot.series) {
    for (let i = 0; i < s.actual.length; i++) {
      for (const v of [s.actual[i] as number, s.predicted[i] as number]) {
        if (!Number.isFinite(v)) continue;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  const px = (v: number): number => margin.left + ((v - lo) / (hi - lo)) * inner;
  const py = (v: number): number => margin.top + inner - ((v - lo) / (hi - lo)) * inner;
  const unit = plot.unit ? ` (${escapeXml(plot.unit)})` : "";
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(plot.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="12">${escapeXml(plot.title)}</text>`,
    `<rect x="${margin.left}" y="${margin.top}" width="${inner}" height="${inner}" fill="none" stroke="#333333"/>`,
  ];
  for (const t of niceTicks(lo, hi)) {
    const x = px(t).toFixed(2);
    const y = py(t).toFixed(2);
    parts.push(
      `<line x1="${x}" y1="${margin.top + inner}" x2="${x}" y2="${margin.top + inner + 4}" stroke="#333333"/>`,
      `<text x="${x}" y="${margin.top + inner + 16}" text-anchor="middle">${fmt(t)}</text>`,
      `<line x1="${margin.left - 4}" y1="${y}" x2="${margin.left}" y2="${y}" stroke="#333333"/>`,
      `<text x="${margin.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${fmt(t)}</text>`,
    );
  }
  parts.push(
    `<line class="diagonal" x1="${px(lo).toFixed(2)}" y1="${py(lo).toFixed(2)}" x2="${px(hi).toFixed(2)}" y2="${py(hi).toFixed(2)}" stroke="#888888" stroke-dasharray="4 3"/>`,
    `<text x="${margin.left + inner / 2}" y="${margin.top + inner + 36}" text-anchor="middle">actual${unit}</text>`,
    `<text transform="translate(16 ${margin.top + inner / 2}) rotate(-90)" text-anchor="middle">predicted${unit}</text>`,
  );
  plot.series.forEach((s, k) => {
    const colour = COLOURS[k % COLOURS.length] as string;
    const dots: string[] = [];
    for (let i = 0; i < s.actual.length; i++) {
      const a = s.actual[i] as number;
      const p = s.predicted[i] as number;
      if (!Number.isFinite(a) || !Number.isFinite(p)) continue;
      dots.push(`<circle cx="${px(a).toFixed(2)}" cy="${py(p).toFixed(2)}" r="2.5"/>`);
    }
    parts.push(`<g class="series" fill="${colour}" fill-opacity="0.55">${dots.join("")}</g>`);
    const ly = size + 16 * k + 4;
    parts.push(
      `<rect x="${margin.left}" y="${ly}" width="10" height="10" fill="${colour}"/>`,
      `<text x="${margin.left + 16}" y="${ly + 9}">${escapeXml(s.label)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n");
}
