import { describe, expect, it } from "vitest";
import { createRng } from "../ml/random";
import { inclusionRve } from "./inclusion.generator";
import { cubicTextureIndex, microstructureDescriptors } from "./microstructure.descriptors";
import { fibreRotation, identityRotation, randomRotation, rotationAbout } from "./orientation";
import { voronoiPolycrystal } from "./voronoi.generator";

function isRotation(R: Float64Array): boolean {
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += R[3 * k + i]! * R[3 * k + j]!;
      if (Math.abs(s - (i === j ? 1 : 0)) > 1e-12) return false;
    }
  const det =
    R[0]! * (R[4]! * R[8]! - R[5]! * R[7]!) -
    R[1]! * (R[3]! * R[8]! - R[5]! * R[6]!) +
    R[2]! * (R[3]! * R[7]! - R[4]! * R[6]!);
  return Math.abs(det - 1) < 1e-12;
}

describe("microstructure descriptors", () => {
  it("8 equal cubic grains: sizes, intercept and boundary area are exact", () => {
    const n = 12;
    const labels = new Int32Array(n ** 3);
    for (let k = 0; k < n; k++)
      for (let j = 0; j < n; j++)
        for (let i = 0; i < n; i++) labels[i + n * (j + n * k)] = +(i >= 6) + 2 * +(j >= 6) + 4 * +(k >= 6);
    const h = 1e-6;
    const a = 6 * h;
    const d = microstructureDescriptors({ dims: [n, n, n], labels }, h, Array.from({ length: 8 }, identityRotation));
    expect(d.grainCount).toBe(8);
    expect(d.grainSizeMeanM / Math.cbrt((6 * a ** 3) / Math.PI)).toBeCloseTo(1, 12);
    expect(d.grainSizeStdM / a).toBeLessThan(1e-12);
    expect(d.meanLinearInterceptM / a).toBeCloseTo(1, 12);
    expect(d.boundaryAreaPerVolumePerM * a).toBeCloseTo(3, 12);
    expect(d.textureIndex).toBeCloseTo(1, 12);
  });

  it("texture index: 1 for one orientation, 7/12 for cube + 45° cube, →7/12 for a ⟨100⟩ fibre, →0 for random", () => {
    const rng = createRng(11);
    const R = randomRotation(rng);
    expect(cubicTextureIndex([R, R, R], [1, 2, 3])).toBeCloseTo(1, 12);
    expect(cubicTextureIndex([identityRotation(), rotationAbout([0, 0, 1], Math.PI / 4)], [1, 1])).toBeCloseTo(
      7 / 12,
      12,
    );
    const many = 2000;
    const fibre = Array.from({ length: many }, () => fibreRotation(rng));
    expect(cubicTextureIndex(fibre, new Float64Array(many).fill(1))).toBeCloseTo(7 / 12, 2);
    // Independent random grains: E[J₄] = 1/N for equal weights.
    const random = Array.from({ length: many }, () => randomRotation(rng));
    expect(cubicTextureIndex(random, new Float64Array(many).fill(1))).toBeLessThan(5 / many);
    expect([...fibre.slice(0, 10), ...random.slice(0, 10)].every(isRotation)).toBe(true);
  });

  it("a ⟨111⟩ fibre along x puts each grain's [111] on x", () => {
    const rng = createRng(4);
    for (let g = 0; g < 5; g++) {
      const R = fibreRotation(rng, { crystalDirection: [1, 1, 1], sampleAxis: [1, 0, 0] });
      const x = (R[0]! + R[1]! + R[2]!) / Math.sqrt(3);
      expect(x).toBeCloseTo(1, 12);
    }
  });
});

describe("voxel microstructure generators", () => {
  it("Voronoi grains are deterministic in the seed and cover every voxel", () => {
    const a = voronoiPolycrystal({ voxels: 10, grains: 12, seed: 1 });
    const b = voronoiPolycrystal({ voxels: 10, grains: 12, seed: 1 });
    const c = voronoiPolycrystal({ voxels: 10, grains: 12, seed: 2 });
    expect(a.labels).toEqual(b.labels);
    expect(a.labels).not.toEqual(c.labels);
    expect(a.orientations.length).toBe(a.grainCount);
    expect(new Set(a.labels).size).toBe(a.grainCount);
    expect(a.grainCount).toBeLessThanOrEqual(12);
  });

  it("sphere and fibre RVEs reach the target fraction within one inclusion; sub-voxel fractions match the exact volume", () => {
    for (const spec of [
      { shape: "sphere", voxels: 20 },
      { shape: "fibre", voxels: 20, aspectRatio: 4, orientation: "random" },
      { shape: "fibre", voxels: 16, aspectRatio: 10, orientation: "aligned", diameterVoxels: 3 },
    ] as const) {
      const r = inclusionRve({ ...spec, volumeFraction: 0.15, seed: 3 });
      const n = spec.voxels;
      const core = r.labels.reduce((s, l) => s + l, 0) / n ** 3;
      expect(Math.abs(core - 0.15)).toBeLessThanOrEqual(core / r.inclusionCount);
      // Non-overlapping capsules: the sub-voxel fractions add up to count × exact volume.
      const radius = r.diameterVoxels / 2;
      const cylinder = spec.shape === "sphere" ? 0 : r.lengthVoxels === n ? n : r.lengthVoxels - r.diameterVoxels;
      const capsule = spec.shape === "sphere" || r.lengthVoxels !== n ? (4 / 3) * Math.PI * radius ** 3 : 0;
      const exact = (r.inclusionCount * (capsule + Math.PI * radius ** 2 * cylinder)) / n ** 3;
      expect(Math.abs(r.volumeFraction / exact - 1)).toBeLessThan(0.01);
    }
  });

  it("rejects impossible inputs with a message naming the parameter", () => {
    expect(() => inclusionRve({ voxels: 16, volumeFraction: 0.8, shape: "sphere", seed: 1 })).toThrow(
      /volume fraction/,
    );
    expect(() =>
      inclusionRve({
        voxels: 16,
        volumeFraction: 0.1,
        shape: "fibre",
        aspectRatio: 20,
        orientation: "random",
        diameterVoxels: 2,
        seed: 1,
      }),
    ).toThrow(/do not fit/);
    expect(() => voronoiPolycrystal({ voxels: 4, grains: 0, seed: 1 })).toThrow(/grains/);
  });
});
