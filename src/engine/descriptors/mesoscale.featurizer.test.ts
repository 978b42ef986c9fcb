import { describe, expect, it } from "vitest";
import { featureGroups } from "./descriptor-set";
import { MESOSCALE_DESCRIPTORS, MesoscaleFeaturizer } from "./mesoscale.featurizer";
import { microstructureDescriptors } from "../micro/microstructure.descriptors";
import { identityRotation } from "../micro/orientation";

describe("mesoscale descriptors", () => {
  it("is one named, versioned group with a unit per feature", () => {
    expect(MESOSCALE_DESCRIPTORS.name).toBe("mesoscale");
    expect(featureGroups(MESOSCALE_DESCRIPTORS).map((g) => g.name)).toEqual(["mesoscale"]);
    expect(MESOSCALE_DESCRIPTORS.features.every((f) => f.unit.length > 0)).toBe(true);
  });

  it("featurises 8 equal cubic grains of edge a exactly, in µm", () => {
    // 2×2×2 blocks of 5³ voxels of 2 µm: a = 10 µm, S_V = 3/a, intercept a.
    const n = 10;
    const labels = new Int32Array(n ** 3);
    for (let k = 0; k < n; k++)
      for (let j = 0; j < n; j++)
        for (let i = 0; i < n; i++) labels[i + n * (j + n * k)] = +(i >= 5) + 2 * +(j >= 5) + 4 * +(k >= 5);
    const d = microstructureDescriptors({ dims: [n, n, n], labels }, 2e-6, Array.from({ length: 8 }, identityRotation));
    const v = new MesoscaleFeaturizer().featurize(d);
    const get = (name: string): number => v[MESOSCALE_DESCRIPTORS.features.findIndex((f) => f.name === name)]!;
    expect(get("grain_size_mean")).toBeCloseTo(Math.cbrt(6000 / Math.PI), 10);
    expect(get("grain_size_std")).toBeCloseTo(0, 12);
    expect(get("mean_linear_intercept")).toBeCloseTo(10, 10);
    expect(get("grain_boundary_area_per_volume")).toBeCloseTo(0.3, 12);
    expect(get("texture_index")).toBeCloseTo(1, 12);
  });

  it("gives NaN for what was not measured", () => {
    const v = new MesoscaleFeaturizer().featurize({ textureIndex: 0.2 });
    expect(v[5]).toBe(0.2);
    expect(v.slice(0, 5).every((x) => Number.isNaN(x))).toBe(true);
  });
});
