import { describe, expect, it } from "vitest";
import { type DescriptorSetInfo, featureGroups } from "../descriptors/descriptor-set";
import { MAGPIE_DESCRIPTORS } from "../descriptors/magpie.featurizer";
import { type FeatureMatrix, matrixFromRows } from "./feature-matrix";
import { FusionModel, type FusionState } from "./fusion.model";
import { regressionMetrics } from "./metrics";
import { MlpModel, type MlpState } from "./mlp.model";
import { createRng } from "./random";
import { initTf } from "./tf-backend";

const info: DescriptorSetInfo = {
  name: "toy",
  version: "1",
  features: [
    { name: "a", unit: "eV", group: "g1", scale: "atomic" },
    { name: "b", unit: "eV", group: "g1", scale: "atomic" },
    { name: "c", unit: "GPa", group: "g2", scale: "crystal" },
  ],
};

function toy(n: number, seed: number): { x: FeatureMatrix; y: Float64Array } {
  const rng = createRng(seed);
  const rows = Array.from({ length: n }, () => [rng() * 2 - 1, rng() * 2 - 1, rng() * 2 - 1]);
  return {
    x: matrixFromRows(rows),
    y: Float64Array.from(rows, (r) => (r[0] as number) * (r[1] as number) + Math.sin(3 * (r[2] as number))),
  };
}

describe("tfjs backend", () => {
  it("initialises a backend (native, wasm or cpu)", async () => {
    expect(["tensorflow", "wasm", "cpu"]).toContain(await initTf());
  });
});

describe("MLP", () => {
  it("learns a smooth nonlinear function and round-trips exactly", async () => {
    const train = toy(600, 1);
    const test = toy(200, 2);
    const model = new MlpModel("regression", info, {
      hidden: [32, 32],
      epochs: 60,
      batchSize: 32,
      learningRate: 5e-3,
      mcSamples: 4,
      seed: 3,
    });
    const report = await model.fit(train);
    expect(report.bestValidationLoss).toBeLessThan(0.5 * (report.history[0] as number));
    const p = model.predict(test.x);
    expect(regressionMetrics(test.y, p.mean).r2).toBeGreaterThan(0.8);
    expect(Array.from(p.std).every((s) => s >= 0 && Number.isFinite(s))).toBe(true);
    const restored = await MlpModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())) as MlpState, info);
    const q = restored.predict(test.x);
    expect(q.mean).toEqual(p.mean);
    expect(q.std).toEqual(p.std);
    model.dispose();
    restored.dispose();
  });
});

describe("multiscale fusion model", () => {
  it("embeds one token per descriptor group of the Magpie set", () => {
    const m = new FusionModel("regression", MAGPIE_DESCRIPTORS);
    expect(m.tokenCount).toBe(featureGroups(MAGPIE_DESCRIPTORS).length);
    // atomic-identity, atomic-bonding, valence, elemental-solid, stoichiometry, power-means.
    expect(m.tokenCount).toBe(6);
  });

  it("reproduces predictions exactly after save/load, with every module switched on", async () => {
    const train = toy(200, 4);
    const model = new FusionModel("regression", info, {
      epochs: 3,
      batchSize: 32,
      mcSamples: 3,
      dModel: 8,
      heads: 2,
      ffnDim: 16,
    });
    await model.fit(train);
    const restored = await FusionModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())) as FusionState, info);
    const test = toy(50, 5);
    expect(restored.predict(test.x).mean).toEqual(model.predict(test.x).mean);
    model.dispose();
    restored.dispose();
  });
});
