import { describe, expect, it } from "vitest";
import { cubicPolycrystalAverages } from "./analytic.bounds";
import { isotropicProjection } from "./isotropic-projection";
import { solvePolycrystal } from "./polycrystal.problem";
import { voronoiPolycrystal } from "./voronoi.generator";
import { homogenise } from "./periodic-voxel.homogeniser";
import { cubicStiffnessPa, rotateStiffness } from "./stiffness-tensor";

// Copper (GPa → Pa): strongly anisotropic, Zener ratio 2A = 2C44/(C11 − C12) ≈ 3.2.
const CU = { c11Pa: 168.4e9, c12Pa: 121.4e9, c44Pa: 75.4e9 };

describe("cubic polycrystal homogenisation", () => {
  const averages = cubicPolycrystalAverages(CU.c11Pa, CU.c12Pa, CU.c44Pa);

  for (const texture of ["random", "fibre"] as const) {
    it(`${texture} texture: K_eff = (C11 + 2C12)/3 within 1 %, G between Reuss and Voigt`, () => {
      const r = solvePolycrystal({ ...CU, grains: 24, voxels: 14, seed: 3, texture });
      expect(Math.abs(r.bulkModulusPa / averages.bulkModulusPa - 1)).toBeLessThan(0.01);
      expect(r.shearModulusPa).toBeGreaterThan(averages.shearReussPa);
      expect(r.shearModulusPa).toBeLessThan(averages.shearVoigtPa);
      // The monotone projections obey the tensor bounds S_R⁻¹ ≤ C_eff ≤ C_V grain by grain.
      expect(r.effective.shearVoigtPa).toBeLessThanOrEqual(averages.shearVoigtPa * (1 + 1e-9));
      expect(r.effective.shearReussPa).toBeGreaterThanOrEqual(averages.shearReussPa * (1 - 1e-9));
      expect(r.asymmetry).toBeLessThan(1e-5);
    });
  }

  it("a fibre texture is transversely isotropic about its axis: C11 ≈ C22, C44 ≈ C55, and C33 differs", () => {
    const r = solvePolycrystal({ ...CU, grains: 60, voxels: 16, seed: 5, texture: "fibre" });
    const C = r.stiffnessPa;
    expect(Math.abs(C[0]! / C[7]! - 1)).toBeLessThan(0.03);
    expect(Math.abs(C[21]! / C[28]! - 1)).toBeLessThan(0.03);
    // ⟨100⟩ ∥ z: C33 sees the crystal's soft ⟨100⟩ direction, while in-plane directions also
    // sample the stiffer ⟨110⟩ (Voigt ratio 168.4 / 194.35 = 0.87 for copper).
    expect(C[14]! / C[0]!).toBeLessThan(0.95);
  });

  it("grains of one orientation give that rotated crystal exactly", () => {
    const micro = voronoiPolycrystal({ voxels: 8, grains: 5, seed: 2 });
    const C = rotateStiffness(cubicStiffnessPa(CU.c11Pa, CU.c12Pa, CU.c44Pa), micro.orientations[0]!);
    const r = homogenise({ dims: micro.dims, materialOf: micro.labels, stiffnessPa: micro.orientations.map(() => C) });
    for (let i = 0; i < 36; i++) expect(Math.abs(r.stiffnessPa[i]! - C[i]!)).toBeLessThan(1e-9 * CU.c11Pa);
  });

  it("the isotropic projection of an isotropic tensor returns its K, G, E and ν", () => {
    const K = 70e9;
    const G = 26e9;
    const C = rotateStiffness(
      cubicStiffnessPa(K + (4 / 3) * G, K - (2 / 3) * G, G),
      voronoiPolycrystal({ voxels: 4, grains: 1, seed: 9 }).orientations[0]!,
    );
    const p = isotropicProjection(C);
    expect(p.bulkVoigtPa / K).toBeCloseTo(1, 12);
    expect(p.bulkReussPa / K).toBeCloseTo(1, 12);
    expect(p.shearReussPa / G).toBeCloseTo(1, 12);
    expect(p.youngsModulusPa / ((9 * K * G) / (3 * K + G))).toBeCloseTo(1, 12);
    expect(p.poissonRatio).toBeCloseTo((3 * K - 2 * G) / (2 * (3 * K + G)), 12);
  });
});
