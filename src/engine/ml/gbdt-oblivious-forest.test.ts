import { describe, expect, it } from "vitest";
import { type FeatureMatrix, matrixFromRows } from "./feature-matrix";
import type { TreeArrays } from "./gbdt-forest";
import { ObliviousForest } from "./gbdt-oblivious-forest";
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

/** An oblivious tree in breadth-first layout: one (feature, threshold, missing side) per level. */
function randomObliviousTree(rng: () => number, cols: number, thresholds: number[], depth: number): TreeArrays {
  const total = (1 << (depth + 1)) - 1;
  const t = {
    feature: new Int32Array(total).fill(-1),
    threshold: new Float64Array(total),
    missingLeft: new Uint8Array(total),
    left: new Int32Array(total).fill(-1),
    right: new Int32Array(total).fill(-1),
    value: new Float64Array(total),
  };
  for (let d = 0; d < depth; d++) {
    const f = Math.floor(rng() * cols);
    const thr = thresholds[Math.floor(rng() * thresholds.length)] as number;
    const ml = rng() < 0.5 ? 1 : 0;
    for (let i = (1 << d) - 1; i < (1 << (d + 1)) - 1; i++) {
      t.feature[i] = f;
      t.threshold[i] = thr;
      t.missingLeft[i] = ml;
      t.left[i] = 2 * i + 1;
      t.right[i] = 2 * i + 2;
    }
  }
  for (let i = (1 << depth) - 1; i < total; i++) t.value[i] = rng() * 2 - 1;
  return t;
}

function plainSums(boosters: { base: number; trees: TreeArrays[] }[], rows: number[][]): number[][] {
  return boosters.map((b) => rows.map((row) => b.trees.reduce((s, t) => s + walk(t, row), b.base)));
}

describe("oblivious forest", () => {
  const rng = createRng(17);
  const cols = 6;
  const thresholds = [-1.5, -0.25, 0, 0.5, 1, 2.75];
  // Depths 0 … 8 (8 is the most a byte leaf index holds).
  const boosters = [0, 1, 2].map((b) => ({
    base: b - 0.5,
    trees: Array.from({ length: 45 }, (_, i) => randomObliviousTree(rng, cols, thresholds, i % 9)),
  }));
  const values = [...thresholds, NaN, -Infinity, Infinity, 0.3, -3, 9];
  // 537 rows: not a multiple of the 16-row SIMD chunks nor of the 256-row blocks.
  const rows = Array.from({ length: 537 }, () =>
    Array.from({ length: cols }, () => values[Math.floor(rng() * values.length)] as number),
  );
  const x: FeatureMatrix = matrixFromRows(rows);
  const expected = plainSums(boosters, rows);

  it("gives exactly the sums of plain tree walks with the SIMD kernel, ties, missing values and ±∞ included", () => {
    const forest = ObliviousForest.compile(boosters);
    expect(forest).not.toBeNull();
    // Node ≥ 16.4 has WebAssembly SIMD: false here means the hand-assembled module did not validate.
    expect((forest as ObliviousForest).usesSimd).toBe(true);
    const scores = (forest as ObliviousForest).rawScores(x);
    scores.forEach((s, k) => expect(Array.from(s)).toEqual(expected[k]));
  });

  it("gives the same sums with the scalar loops", () => {
    const forest = ObliviousForest.compile(boosters, { simd: false }) as ObliviousForest;
    expect(forest.usesSimd).toBe(false);
    forest.rawScores(x).forEach((s, k) => expect(Array.from(s)).toEqual(expected[k]));
  });

  it("declines trees whose levels test different features", () => {
    const t = randomObliviousTree(createRng(2), cols, thresholds, 3);
    const bent = { ...t, feature: Int32Array.from(t.feature, (f, i) => (i === 2 ? (f + 1) % cols : f)) };
    expect(ObliviousForest.compile([{ base: 0, trees: [bent] }])).toBeNull();
  });

  it("refuses inputs with fewer columns than the trees use", () => {
    const forest = ObliviousForest.compile([
      { base: 0, trees: [randomObliviousTree(createRng(4), 4, [0], 3)] },
    ]) as ObliviousForest;
    expect(() => forest.rawScores(matrixFromRows([[]], 0))).toThrow(/columns/);
  });
});

describe("GBDT with oblivious trees", () => {
  it("grows oblivious trees whose fast predictions equal walking the saved trees, before and after save/load", () => {
    const rng = createRng(5);
    const rows = Array.from({ length: 900 }, () => [rng(), rng() < 0.1 ? NaN : rng(), rng() * 10, rng()]);
    const y = Float64Array.from(
      rows,
      (r) =>
        Math.sin(6 * (r[0] as number)) + (Number.isNaN(r[1] as number) ? 2 : (r[1] as number)) + 0.1 * (r[2] as number),
    );
    const model = new GbdtModel("regression", {
      treeShape: "oblivious",
      maxRounds: 120,
      bags: 3,
      colSample: 1,
      targetTransform: "none",
    });
    model.fitSync({ x: matrixFromRows(rows), y });
    const state = JSON.parse(JSON.stringify(model.toJSON())) as GbdtState;
    const trees = state.boosters.map((b) => ({
      base: b.base,
      trees: b.trees.map((t) => ({
        feature: Int32Array.from(t.f),
        threshold: Float64Array.from(t.t),
        missingLeft: Uint8Array.from(t.m),
        left: Int32Array.from(t.l),
        right: Int32Array.from(t.r),
        value: Float64Array.from(t.v),
      })),
    }));
    expect(ObliviousForest.compile(trees)).not.toBeNull();
    expect(trees.every((b) => b.trees.some((t) => t.feature.length > 1))).toBe(true);
    const test = rows.slice(0, 300);
    const perBag = plainSums(trees, test);
    const mean = model.predict(matrixFromRows(test)).mean;
    test.forEach((_row, i) => {
      const bags = perBag.map((b) => b[i] as number);
      expect(mean[i]).toBe(bags.reduce((a, c) => a + c, 0) / bags.length);
    });
    const restored = GbdtModel.fromJSON(state);
    expect(restored.predict(matrixFromRows(test))).toEqual(model.predict(matrixFromRows(test)));
  });
});
