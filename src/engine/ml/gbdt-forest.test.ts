import { describe, expect, it } from "vitest";
import { type FeatureMatrix, matrixFromRows } from "./feature-matrix";
import { CompiledForest, type TreeArrays } from "./gbdt-forest";
import { GbdtModel, type GbdtState } from "./gbdt.model";
import { createRng } from "./random";

/** The plain definition of a tree: walk from the root comparing raw values with thresholds. */
function walk(tree: TreeArrays, row: ArrayLike<number>): number {
  let node = 0;
  while ((tree.feature[node] as number) >= 0) {
    const v = row[tree.feature[node] as number] as number;
    const left = Number.isNaN(v) ? tree.missingLeft[node] === 1 : v <= (tree.threshold[node] as number);
    node = left ? (tree.left[node] as number) : (tree.right[node] as number);
  }
  return tree.value[node] as number;
}

function randomTree(rng: () => number, cols: number, thresholds: number[], depth: number): TreeArrays {
  const feature: number[] = [];
  const threshold: number[] = [];
  const missingLeft: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const add = (): number => {
    feature.push(-1);
    threshold.push(0);
    missingLeft.push(0);
    left.push(-1);
    right.push(-1);
    value.push(0);
    return feature.length - 1;
  };
  // Grow breadth-first with adjacent children, as the tree builder does; leaves at uneven depths.
  const queue: { node: number; d: number }[] = [{ node: add(), d: 0 }];
  while (queue.length > 0) {
    const { node, d } = queue.shift() as { node: number; d: number };
    if (d >= depth || (d > 0 && rng() < 0.3)) {
      value[node] = rng() * 2 - 1;
      continue;
    }
    feature[node] = Math.floor(rng() * cols);
    threshold[node] = thresholds[Math.floor(rng() * thresholds.length)] as number;
    missingLeft[node] = rng() < 0.5 ? 1 : 0;
    const l = add();
    const r = add();
    left[node] = l;
    right[node] = r;
    queue.push({ node: l, d: d + 1 }, { node: r, d: d + 1 });
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    missingLeft: Uint8Array.from(missingLeft),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
  };
}

describe("compiled forest", () => {
  it("gives exactly the sum of plain tree walks, ties, missing values and ±∞ included", () => {
    const rng = createRng(11);
    const cols = 5;
    const thresholds = [-1.5, -0.25, 0, 0.5, 1, 2.75];
    const boosters = [0, 1, 2].map((b) => ({
      base: b - 0.5,
      trees: Array.from({ length: 40 }, () => randomTree(rng, cols, thresholds, 7)),
    }));
    const values = [...thresholds, NaN, -Infinity, Infinity, 0.3, -3, 9];
    // 203 rows: not a multiple of the 4-row groups nor of the 128-row blocks.
    const rows = Array.from({ length: 203 }, () =>
      Array.from({ length: cols }, () => values[Math.floor(rng() * values.length)] as number),
    );
    const x: FeatureMatrix = matrixFromRows(rows);
    const forest = CompiledForest.compile(boosters);
    expect(forest).not.toBeNull();
    const scores = (forest as CompiledForest).rawScores(x);
    boosters.forEach((b, k) => {
      const expected = rows.map((row) => b.trees.reduce((s, t) => s + walk(t, row), b.base));
      expect(Array.from(scores[k] as Float64Array)).toEqual(expected);
    });
  });

  it("refuses inputs with fewer columns than the trees use", () => {
    const rng = createRng(3);
    const forest = CompiledForest.compile([{ base: 0, trees: [randomTree(rng, 4, [0], 3)] }]) as CompiledForest;
    expect(() => forest.rawScores(matrixFromRows([[0]]))).toThrow(/columns/);
  });

  it.each(["leafwise", "oblivious"] as const)(
    "matches a fitted model's saved %s trees walked on raw values",
    (treeShape) => {
      const rng = createRng(5);
      const rows = Array.from({ length: 800 }, () => [rng(), rng() < 0.1 ? NaN : rng(), rng() * 10]);
      const y = Float64Array.from(
        rows,
        (r) =>
          Math.sin(6 * (r[0] as number)) +
          (Number.isNaN(r[1] as number) ? 2 : (r[1] as number)) +
          0.1 * (r[2] as number),
      );
      const model = new GbdtModel("regression", { maxRounds: 150, bags: 2, colSample: 1, treeShape });
      model.fitSync({ x: matrixFromRows(rows), y });
      const state = model.toJSON() as GbdtState;
      const test = matrixFromRows(rows.slice(0, 100));
      const mean = model.predict(test).mean;
      rows.slice(0, 100).forEach((row, i) => {
        const perBag = state.boosters.map((b) =>
          b.trees.reduce(
            (s, t) =>
              s +
              walk(
                {
                  feature: Int32Array.from(t.f),
                  threshold: Float64Array.from(t.t),
                  missingLeft: Uint8Array.from(t.m),
                  left: Int32Array.from(t.l),
                  right: Int32Array.from(t.r),
                  value: Float64Array.from(t.v),
                },
                row,
              ),
            b.base,
          ),
        );
        expect(mean[i]).toBeCloseTo(perBag.reduce((a, c) => a + c, 0) / perBag.length, 12);
      });
    },
  );
});
