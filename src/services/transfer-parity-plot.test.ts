import { describe, expect, it } from "vitest";
import { niceTicks, renderParitySvg } from "./transfer-parity-plot";

describe("parity plot", () => {
  it("picks 1-2-5 ticks inside the range", () => {
    expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-0.13, 0.92)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    for (const t of niceTicks(3.7, 812.4)) expect(t >= 3.7 && t <= 812.4).toBe(true);
  });

  it("draws one dot per finite pair, on the diagonal when predicted = actual, and escapes labels", () => {
    const actual = [0, 1, 2, 3, NaN];
    const svg = renderParitySvg({
      title: "gap <test> & more",
      unit: "eV",
      series: [
        { label: "A → B", actual, predicted: actual },
        { label: "C → B", actual, predicted: [1, 1, 1, 1, 1] },
      ],
    });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/<circle /g)).toHaveLength(8);
    expect(svg).toContain("gap &lt;test&gt; &amp; more");
    expect(svg).not.toContain("<test>");
    // Points of the first series lie on the y = x line: cx maps to the same pixel as cy mirrored.
    const first = svg.split('<g class="series"')[1]!.split("</g>")[0]!;
    const dots = [...first.matchAll(/cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const line = svg
      .match(/class="diagonal" x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"/)!
      .slice(1)
      .map(Number);
    const [x1, y1, x2, y2] = line as [number, number, number, number];
    for (const [cx, cy] of dots as [number, number][]) {
      const onLine = y1 + ((cx - x1) * (y2 - y1)) / (x2 - x1);
      expect(Math.abs(onLine - cy)).toBeLessThan(0.02);
    }
    expect(renderParitySvg({ title: "t", unit: "eV", series: [{ label: "a", actual, predicted: actual }] })).toBe(
      renderParitySvg({ title: "t", unit: "eV", series: [{ label: "a", actual, predicted: actual }] }),
    );
  });
});
