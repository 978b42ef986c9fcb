import { svg } from "./dom";
import { formatNumber } from "./format";

/**
 * An SVG scatter plot with linear axes and "nice" ticks (1, 2, 5 × 10ⁿ). In
 * parity mode both axes share one range and the y = x diagonal is drawn, so a
 * point's distance from it is the disagreement between the two sources. Units are
 * whatever the caller's values are in; the axis titles carry them.
 */
export interface PlotPoint {
  x: number;
  y: number;
  label: string;
  onSelect?: () => void;
}

export interface PlotOptions {
  xTitle: string;
  yTitle: string;
  parity?: boolean;
  width?: number;
  height?: number;
}

const MARGIN = { top: 16, right: 20, bottom: 48, left: 64 };

export function niceTicks(min: number, max: number, target = 6): number[] {
  if (!(max > min)) return [min];
  const rawStep = (max - min) / target;
  const power = 10 ** Math.floor(Math.log10(rawStep));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rawStep) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step)
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

function paddedRange(values: readonly number[]): [number, number] {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi === lo) {
    const pad = Math.abs(lo) * 0.1 || 1;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * 0.06;
  lo -= pad;
  hi += pad;
  return [lo, hi];
}

export function renderScatterPlot(points: readonly PlotPoint[], options: PlotOptions): SVGSVGElement {
  const width = options.width ?? 560;
  const height = options.height ?? 380;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const root = svg("svg", {
    class: "plot",
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": `${options.yTitle} against ${options.xTitle}, ${points.length} points`,
    "data-points": points.length,
  });
  if (points.length === 0) {
    root.append(
      svg(
        "text",
        { x: width / 2, y: height / 2, class: "plot-empty", "text-anchor": "middle" },
        "No material on this page has both values",
      ),
    );
    return root;
  }

  let [x0, x1] = paddedRange(points.map((p) => p.x));
  let [y0, y1] = paddedRange(points.map((p) => p.y));
  if (options.parity) {
    x0 = y0 = Math.min(x0, y0);
    x1 = y1 = Math.max(x1, y1);
  }
  const sx = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - ((y - y0) / (y1 - y0)) * plotH;

  const grid = svg("g", { class: "plot-grid" });
  const axes = svg("g", { class: "plot-axes" });
  for (const t of niceTicks(x0, x1)) {
    grid.append(svg("line", { x1: sx(t), x2: sx(t), y1: MARGIN.top, y2: MARGIN.top + plotH }));
    axes.append(svg("text", { x: sx(t), y: MARGIN.top + plotH + 18, "text-anchor": "middle" }, formatNumber(t)));
  }
  for (const t of niceTicks(y0, y1)) {
    grid.append(svg("line", { x1: MARGIN.left, x2: MARGIN.left + plotW, y1: sy(t), y2: sy(t) }));
    axes.append(svg("text", { x: MARGIN.left - 8, y: sy(t) + 4, "text-anchor": "end" }, formatNumber(t)));
  }
  axes.append(
    svg("rect", { x: MARGIN.left, y: MARGIN.top, width: plotW, height: plotH, class: "plot-frame" }),
    svg(
      "text",
      { x: MARGIN.left + plotW / 2, y: height - 8, "text-anchor": "middle", class: "plot-title" },
      options.xTitle,
    ),
    svg(
      "text",
      {
        x: 16,
        y: MARGIN.top + plotH / 2,
        "text-anchor": "middle",
        class: "plot-title",
        transform: `rotate(-90 16 ${MARGIN.top + plotH / 2})`,
      },
      options.yTitle,
    ),
  );
  root.append(grid, axes);
  if (options.parity) {
    root.append(svg("line", { class: "plot-diagonal", x1: sx(x0), y1: sy(y0), x2: sx(x1), y2: sy(y1) }));
  }

  const marks = svg("g", { class: "plot-points" });
  for (const p of points) {
    const circle = svg(
      "circle",
      {
        cx: sx(p.x),
        cy: sy(p.y),
        r: 5,
        class: p.onSelect ? "plot-point clickable" : "plot-point",
        "data-label": p.label,
      },
      svg("title", {}, `${p.label}: (${formatNumber(p.x)}, ${formatNumber(p.y)})`),
    );
    if (p.onSelect) circle.addEventListener("click", p.onSelect);
    marks.append(circle);
  }
  root.append(marks);
  return root;
}
