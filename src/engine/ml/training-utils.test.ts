import { describe, expect, it } from "vitest";
import { Composition } from "../chem/composition";
import type { DescriptorSetInfo } from "../descriptors/descriptor-set";
import { MAGPIE_DESCRIPTORS } from "../descriptors/magpie.featurizer";
import { formatAblationTable, runAblation } from "./ablation";
import { matrixFromRows } from "./feature-matrix";
import { featurizeRows, parseFormulaCsv } from "./formula-dataset";
import { GbdtModel } from "./gbdt.model";
import { errorByClass, materialClass } from "./material-class";
import { classificationMetrics, regressionMetrics, rocAuc } from "./metrics";
import { ModelError } from "./model";
import { bundleModel, checkBundle, hashTrainingData } from "./model-bundle";
import { createRng, gaussian } from "./random";
import { kFold, trainValTestSplit } from "./splits";
import { calibrationReport, fitCalibrationScale, normalQuantile, rankByUncertainty } from "./uncertainty";
import { MagpieFeaturizer } from "../descriptors/magpie.featurizer";

describe("metrics", () => {
  it("computes MAE, RMSE and R² by hand", () => {
    const m = regressionMetrics([1, 2, 3, 4], [1, 2, 4, 2]);
    expect(m.mae).toBeCloseTo(3 / 4, 12);
    expect(m.rmse).toBeCloseTo(Math.sqrt(5 / 4), 12);
    expect(m.r2).toBeCloseTo(1 - 5 / 5, 12);
  });
  it("computes precision, recall, F1 and ROC AUC", () => {
    const y = [1, 1, 0, 0, 1, 0];
    const p = [0.9, 0.4, 0.6, 0.1, 0.8, 0.3];
    const m = classificationMetrics(y, p);
    // tp = 2 (0.9, 0.8), fp = 1 (0.6), fn = 1 (0.4).
    expect(m.precision).toBeCloseTo(2 / 3, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.f1).toBeCloseTo(2 / 3, 12);
    // Positive/negative pairs ranked correctly: 8 of 9.
    expect(m.rocAuc).toBeCloseTo(8 / 9, 12);
    expect(rocAuc([0, 1], [0.5, 0.5])).toBe(0.5);
  });
});

describe("splits", () => {
  it("k-fold test sets partition the rows", () => {
    const folds = kFold(103, 5, 1);
    const seen = folds.flatMap((f) => Array.from(f.test)).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 103 }, (_, i) => i));
    for (const f of folds) expect(f.train.length + f.test.length).toBe(103);
    expect(new Set([...folds[0]!.train, ...folds[0]!.test]).size).toBe(103);
  });
  it("train/val/test split is disjoint and seeded", () => {
    const a = trainValTestSplit(100, { val: 0.1, test: 0.2 }, 4);
    const b = trainValTestSplit(100, { val: 0.1, test: 0.2 }, 4);
    expect(a.test).toEqual(b.test);
    expect([a.train.length, a.val.length, a.test.length]).toEqual([70, 10, 20]);
    expect(new Set([...a.train, ...a.val, ...a.test]).size).toBe(100);
  });
});

describe("uncertainty calibration and active learning", () => {
  it("inverts the normal CDF", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });
  it("recovers the factor by which uncertainties are understated", () => {
    const rng = createRng(9);
    const n = 20000;
    const sigma = Float64Array.from({ length: n }, () => 0.5 + rng());
    const y = new Float64Array(n);
    const mean = Float64Array.from(sigma, (s) => 3 * s * gaussian(rng));
    const scale = fitCalibrationScale(y, mean, sigma);
    expect(scale).toBeGreaterThan(2.9);
    expect(scale).toBeLessThan(3.1);
    const before = calibrationReport(y, mean, sigma);
    const after = calibrationReport(y, mean, sigma, scale);
    expect(before.within1Sigma).toBeLessThan(0.35);
    expect(after.within1Sigma).toBeCloseTo(0.683, 1);
    expect(after.within2Sigma).toBeCloseTo(0.954, 1);
    expect(after.miscalibrationArea).toBeLessThan(0.02);
    expect(before.miscalibrationArea).toBeGreaterThan(0.2);
  });
  it("ranks candidates most uncertain first, skipping labelled ones", () => {
    expect(rankByUncertainty([0.1, 0.5, NaN, 0.5, 0.9], new Set([4]))).toEqual([1, 3, 0]);
  });
});

describe("material classes", () => {
  it("classifies elements, ordered compounds, multicomponent alloys and labelled glasses", () => {
    const c = (f: string, label?: string): string => materialClass(Composition.parse(f), label);
    expect(c("Fe")).toBe("element");
    expect(c("Fe2O3")).toBe("ordered-compound");
    expect(c("NiAl")).toBe("ordered-compound");
    expect(c("CoCrFeNi")).toBe("multicomponent-alloy");
    expect(c("Ti2AlC")).toBe("ordered-compound");
    expect(c("Cu50Zr45Al5", "metallic glass")).toBe("amorphous");
    const rows = errorByClass(["element", "element", "ordered-compound"], [1, 2, 3], [1.5, 2, 1]);
    expect(rows.find((r) => r.materialClass === "element")).toEqual({ materialClass: "element", n: 2, mae: 0.25 });
    expect(rows.find((r) => r.materialClass === "ordered-compound")?.mae).toBe(2);
    expect(Number.isNaN(rows.find((r) => r.materialClass === "amorphous")?.mae)).toBe(true);
  });
});

describe("formula datasets", () => {
  it("reports rows that fail to parse or featurise, with line numbers, and keeps the rest", () => {
    const csv = "formula,target\nFe2O3,1.5\nXq2,2\nNaCl,abc\nCfO2,3\nSi,0.5\n";
    const parsed = parseFormulaCsv(csv);
    expect(parsed.failed).toEqual([{ line: 4, formula: "NaCl", reason: 'target "abc" is not a number' }]);
    const f = featurizeRows(new MagpieFeaturizer(), parsed.rows);
    expect(f.kept.map((r) => r.formula)).toEqual(["Fe2O3", "Si"]);
    expect(f.failed.map((r) => r.line)).toEqual([3, 5]);
    expect(f.failed[1]?.reason).toMatch(/Cf/);
    expect(Array.from(f.y)).toEqual([1.5, 0.5]);
  });
});

describe("ablation and bundles", () => {
  const info: DescriptorSetInfo = {
    name: "toy",
    version: "1",
    features: [
      { name: "signal", unit: "1", group: "useful", scale: "atomic" },
      { name: "noise", unit: "1", group: "noise", scale: "crystal" },
    ],
  };
  const rng = createRng(2);
  const rows = Array.from({ length: 600 }, () => [rng(), rng()]);
  const x = matrixFromRows(rows);
  const y = Float64Array.from(rows, (r) => 10 * (r[0] as number) ** 2);

  it("shows that dropping the informative group hurts and dropping noise does not", async () => {
    const train = { x: { ...x, rows: 500, data: x.data.subarray(0, 1000) }, y: y.subarray(0, 500) };
    const test = { x: { ...x, rows: 100, data: x.data.subarray(1000) }, y: y.subarray(500) };
    const table = await runAblation({
      create: (task, params) => new GbdtModel(task, params),
      task: "regression",
      info,
      params: { maxRounds: 200, learningRate: 0.1 },
      train,
      test,
      variants: [
        { name: "without useful", dropGroups: ["useful"] },
        { name: "without noise", dropGroups: ["noise"] },
      ],
    });
    expect(table.map((r) => r.variant)).toEqual(["full model", "without useful", "without noise"]);
    expect(table[1]!.deltaMae).toBeGreaterThan(1);
    // With two features and column subsampling, half the trees see only noise: dropping it can only help.
    expect(table[2]!.deltaMae).toBeLessThan(0.05);
    expect(formatAblationTable(table).split("\n")).toHaveLength(5);
  });

  it("carries descriptor version and training-data hash, and rejects mismatched descriptors", () => {
    const model = new GbdtModel("regression", { maxRounds: 20 });
    model.fitSync({ x, y });
    const bundle = JSON.parse(JSON.stringify(bundleModel(model, info, { x, y }))) as unknown;
    expect(checkBundle(bundle, info).trainingDataHash).toBe(hashTrainingData(x, y));
    expect(
      hashTrainingData(
        x,
        Float64Array.from(y, (v) => v + 1e-12),
      ),
    ).not.toBe(hashTrainingData(x, y));
    expect(() => checkBundle(bundle, MAGPIE_DESCRIPTORS)).toThrow(ModelError);
    expect(() => checkBundle({ format: "other" }, info)).toThrow(/not a MatGraph model/);
  });
});
