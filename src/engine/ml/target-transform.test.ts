import { describe, expect, it } from "vitest";
import { matrixFromRows } from "./feature-matrix";
import { GbdtModel, type GbdtState } from "./gbdt.model";
import { regressionMetrics } from "./metrics";
import { createRng, gaussian } from "./random";
import { fitTargetTransform, forwardTarget, inverseTargetInPlace, skewness } from "./target-transform";

function lognormalTask(n: number, seed: number) {
  const rng = createRng(seed);
  const rows = Array.from({ length: n }, () => [rng() * 2, rng() * 2, rng()]);
  // Multiplicative noise: the conditional median is exp(x₀ + x₁/2), the mean is larger.
  const y = Float64Array.from(rows, (r) => 20 * Math.exp((r[0] as number) + 0.5 * (r[1] as number) + gaussian(rng)));
  return { x: matrixFromRows(rows), y };
}

describe("target transform", () => {
  it("inverts exactly enough to round-trip targets", () => {
    const y = Float64Array.from([0, 1e-3, 0.5, 3, 250, 4000]);
    const t = fitTargetTransform("log1p", y, 1);
    expect(t.kind).toBe("log1p");
    const back = inverseTargetInPlace(t, Float64Array.from(forwardTarget(t, y)));
    back.forEach((v, i) => expect(v).toBeCloseTo(y[i] as number, 9));
  });

  it("auto transforms right-skewed targets ≥ 0 only", () => {
    const rng = createRng(2);
    const skewed = Float64Array.from({ length: 500 }, () => Math.exp(2 * gaussian(rng)));
    const symmetric = Float64Array.from({ length: 500 }, () => 10 + gaussian(rng));
    const signed = Float64Array.from(skewed, (v, i) => (i === 0 ? -1 : v));
    expect(skewness(skewed)).toBeGreaterThan(1);
    expect(fitTargetTransform("auto", skewed, 1).kind).toBe("log1p");
    expect(fitTargetTransform("auto", symmetric, 1).kind).toBe("none");
    expect(fitTargetTransform("auto", signed, 1).kind).toBe("none");
  });

  it("scales zero-inflated targets by their mean, others by their median", () => {
    expect(fitTargetTransform("log1p", Float64Array.from([0, 0, 0, 0, 2, 6]), 1).scale).toBeCloseTo(8 / 6, 12);
    // Half zeros, median just above 0: still the mean.
    expect(fitTargetTransform("log1p", Float64Array.from([0, 0, 0, 0.1, 3, 9]), 2).scale).toBeCloseTo(
      (2 * 12.1) / 6,
      12,
    );
    expect(fitTargetTransform("log1p", Float64Array.from([0, 1, 2, 3, 100]), 1).scale).toBe(2);
  });

  it("names the bad target when log1p meets a negative one", () => {
    expect(() => fitTargetTransform("log1p", Float64Array.from([1, -2, 3]), 1)).toThrow(/≥ 0.*-2/);
  });

  it("lowers the GBDT's MAE on a target with multiplicative noise", () => {
    const train = lognormalTask(3000, 1);
    const test = lognormalTask(2000, 2);
    const params = { learningRate: 0.1, maxRounds: 400, colSample: 1 };
    const plain = new GbdtModel("regression", { ...params, targetTransform: "none" });
    const logged = new GbdtModel("regression", { ...params, targetTransform: "log1p" });
    plain.fitSync(train);
    logged.fitSync(train);
    const maePlain = regressionMetrics(test.y, plain.predict(test.x).mean).mae;
    const maeLog = regressionMetrics(test.y, logged.predict(test.x).mean).mae;
    expect(maeLog).toBeLessThan(0.95 * maePlain);
  });

  it("survives a save/load round trip with fold bagging, bit for bit", () => {
    const train = lognormalTask(600, 3);
    const model = new GbdtModel("regression", { maxRounds: 120, bags: 3, bagging: "folds", targetTransform: "auto" });
    model.fitSync(train);
    const state = model.toJSON();
    expect(state.targetTransform?.kind).toBe("log1p");
    const restored = GbdtModel.fromJSON(JSON.parse(JSON.stringify(state)) as GbdtState);
    const test = lognormalTask(200, 4);
    const a = model.predict(test.x);
    const b = restored.predict(test.x);
    expect(b.mean).toEqual(a.mean);
    expect(b.std).toEqual(a.std);
    expect(Array.from(a.std).every((s) => s > 0)).toBe(true);
  });
});
