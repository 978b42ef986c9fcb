import { describe, expect, it } from "vitest";
import { type FeatureMatrix, matrixFromRows } from "./feature-matrix";
import { GbdtModel, type GbdtState, isHurdleTarget, recommendedBags } from "./gbdt.model";
import { regressionMetrics } from "./metrics";
import { createRng } from "./random";

function synthetic(n: number, seed: number, missing = 0): { x: FeatureMatrix; y: Float64Array } {
  const rng = createRng(seed);
  const rows: number[][] = [];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = [rng() * 4 - 2, rng() * 4 - 2, rng() * 4 - 2, rng()];
    y[i] = Math.sin(2 * (r[0] as number)) * (r[1] as number) + (r[2] as number) ** 2;
    if (missing > 0 && rng() < missing) r[3] = NaN;
    rows.push(r);
  }
  return { x: matrixFromRows(rows), y };
}

describe("GBDT on a known nonlinear function", () => {
  it("fits y = sin(2x₀)·x₁ + x₂² to a small fraction of its spread on unseen points", () => {
    const train = synthetic(4000, 1);
    const test = synthetic(1000, 2);
    const model = new GbdtModel("regression", { learningRate: 0.1, maxRounds: 1500, colSample: 1 });
    model.fitSync(train);
    const m = regressionMetrics(test.y, model.predict(test.x).mean);
    const constant = regressionMetrics(
      test.y,
      new Float64Array(test.y.length).fill(train.y.reduce((a, b) => a + b, 0) / train.y.length),
    );
    expect(m.r2).toBeGreaterThan(0.98);
    expect(m.rmse).toBeLessThan(0.15 * constant.rmse);
  });

  it("learns a direction for missing values", () => {
    // y depends only on whether x₀ is missing.
    const rows = Array.from({ length: 400 }, (_, i) => [i % 2 === 0 ? NaN : (i % 7) / 7]);
    const y = Float64Array.from(rows, (r) => (Number.isNaN(r[0] as number) ? 5 : -5));
    const model = new GbdtModel("regression", {
      learningRate: 0.3,
      maxRounds: 50,
      earlyStoppingRounds: 0,
      rowSample: 1,
      colSample: 1,
    });
    model.fitSync({ x: matrixFromRows(rows), y });
    const p = model.predict(matrixFromRows([[NaN], [0.5]])).mean;
    expect(p[0]).toBeCloseTo(5, 3);
    expect(p[1]).toBeCloseTo(-5, 3);
  });

  it("reproduces predictions exactly after a JSON save/load round trip", () => {
    const train = synthetic(600, 3, 0.2);
    const model = new GbdtModel("regression", { maxRounds: 200, bags: 3 });
    model.fitSync(train);
    const test = synthetic(300, 4, 0.2);
    const before = model.predict(test.x);
    const restored = GbdtModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())) as GbdtState);
    const after = restored.predict(test.x);
    expect(after.mean).toEqual(before.mean);
    expect(after.std).toEqual(before.std);
  });

  it("is reproducible from its seed and gives bagged uncertainties", () => {
    const train = synthetic(500, 5);
    const a = new GbdtModel("regression", { maxRounds: 100, bags: 3, seed: 7 });
    const b = new GbdtModel("regression", { maxRounds: 100, bags: 3, seed: 7 });
    a.fitSync(train);
    b.fitSync(train);
    const test = synthetic(50, 6);
    expect(a.predict(test.x).mean).toEqual(b.predict(test.x).mean);
    const std = a.predict(test.x).std;
    expect(Array.from(std).every((s) => s > 0)).toBe(true);
  });
});

describe("GBDT fold bagging and the default recipe", () => {
  it("averages fold bags into a lower error than one booster on noisy data", () => {
    const noisy = (n: number, seed: number) => {
      const rng = createRng(seed);
      const { x, y } = synthetic(n, seed + 100);
      return { x, y: Float64Array.from(y, (v) => v + 0.5 * (rng() + rng() + rng() - 1.5)) };
    };
    const train = noisy(800, 21);
    const test = synthetic(400, 22);
    const params = { targetTransform: "none", learningRate: 0.2, maxRounds: 150, colSample: 1 } as const;
    const single = new GbdtModel("regression", { ...params, bags: 1 });
    const folds = new GbdtModel("regression", { ...params, bags: 5, bagging: "folds" });
    single.fitSync(train);
    folds.fitSync(train);
    const maeSingle = regressionMetrics(test.y, single.predict(test.x).mean).mae;
    const maeFolds = regressionMetrics(test.y, folds.predict(test.x).mean).mae;
    expect(maeFolds).toBeLessThan(maeSingle);
  });

  it("says why fold bagging cannot run on fewer rows than bags", () => {
    const { x, y } = synthetic(3, 30);
    expect(() => new GbdtModel("regression", { bags: 5, bagging: "folds" }).fitSync({ x, y })).toThrow(
      /3 rows, 5 bags/,
    );
  });

  it("uses five fold bags on small tables and one booster on large ones", () => {
    expect(recommendedBags(3428)).toBe(5);
    expect(recommendedBags(239_000)).toBe(1);
  });
});

describe("GBDT hurdle model for zero-inflated targets", () => {
  /** Band-gap-like data: y = 0 ("metal") when x₀ + noise < 0.4, else a positive function of x₁, x₂. */
  function zeroInflated(n: number, seed: number): { x: FeatureMatrix; y: Float64Array } {
    const rng = createRng(seed);
    const rows: number[][] = [];
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = [rng(), rng(), rng()];
      const metal = (r[0] as number) + 0.15 * (rng() - 0.5) < 0.6;
      y[i] = metal ? 0 : 0.2 + 3 * (r[1] as number) * (r[2] as number) + 0.1 * rng();
      rows.push(r);
    }
    return { x: matrixFromRows(rows), y };
  }

  it("applies only to targets ≥ 0 with more than half exact zeros", () => {
    expect(isHurdleTarget([0, 0, 0, 1, 2])).toBe(true);
    expect(isHurdleTarget([0, 0, 1, 2])).toBe(false);
    expect(isHurdleTarget([0, 0, 0, -1, 2])).toBe(false);
    expect(isHurdleTarget([0, 0, 0, 0])).toBe(false);
  });

  it("beats plain regression's MAE on zero-inflated data, predicting exact zeros", () => {
    const train = zeroInflated(3000, 41);
    const test = zeroInflated(1000, 42);
    const params = { maxRounds: 300, bags: 1 } as const;
    const hurdle = new GbdtModel("regression", { ...params, hurdle: "auto" });
    const plain = new GbdtModel("regression", { ...params, hurdle: "off" });
    hurdle.fitSync(train);
    plain.fitSync(train);
    const pHurdle = hurdle.predict(test.x).mean;
    const maeHurdle = regressionMetrics(test.y, pHurdle).mae;
    const maePlain = regressionMetrics(test.y, plain.predict(test.x).mean).mae;
    expect(maeHurdle).toBeLessThan(0.9 * maePlain);
    // Most true zeros come out as exact zeros.
    let zeros = 0;
    let hits = 0;
    test.y.forEach((v, i) => {
      if (v === 0) {
        zeros++;
        if (pHurdle[i] === 0) hits++;
      }
    });
    expect(hits).toBeGreaterThan(0.9 * zeros);
  });

  it("reproduces its predictions exactly after a JSON save/load round trip", () => {
    const train = zeroInflated(1200, 43);
    const model = new GbdtModel("regression", { maxRounds: 100, bags: 3 });
    model.fitSync(train);
    const state = JSON.parse(JSON.stringify(model.toJSON())) as GbdtState;
    expect(state.gate).toBeDefined();
    const test = zeroInflated(300, 44);
    expect(GbdtModel.fromJSON(state).predict(test.x)).toEqual(model.predict(test.x));
  });
});
