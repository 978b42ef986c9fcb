import { describe, expect, it } from "vitest";
import { homogenise } from "./periodic-voxel.homogeniser";
import { isotropicProjection } from "./isotropic-projection";
import { laminateStiffness } from "./laminate.stiffness";
import { randomRotation } from "./orientation";
import { createRng } from "../ml/random";
import { cubicStiffnessPa, isotropicStiffnessPa, rotateStiffness } from "./stiffness-tensor";

const relErr = (a: Float64Array, b: Float64Array): number => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
};

describe("periodic voxel homogenisation", () => {
  it("a uniform RVE returns its own stiffness exactly, isotropic or rotated cubic", () => {
    const iso = isotropicStiffnessPa(5e9, 2e9);
    const cubic = rotateStiffness(cubicStiffnessPa(168.4e9, 121.4e9, 75.4e9), randomRotation(createRng(7)));
    for (const C of [iso, cubic]) {
      const r = homogenise({ dims: [6, 5, 4], materialOf: new Uint8Array(120), stiffnessPa: [C] });
      expect(relErr(r.stiffnessPa, C)).toBeLessThan(1e-9);
      expect(r.iterations.every((n) => n === 0)).toBe(true);
    }
  });

  it("a laminate of isotropic layers matches the exact layered-medium stiffness", () => {
    const n = 8;
    const layers = [3, 5]; // voxel layers of phase 0 and 1 along z
    const nz = layers[0]! + layers[1]!;
    const phases = [
      { K: 4e9, G: 1.2e9 },
      { K: 60e9, G: 30e9 },
    ];
    const materialOf = new Uint8Array(n * n * nz);
    for (let k = 0; k < nz; k++) for (let v = 0; v < n * n; v++) materialOf[v + n * n * k] = k < layers[0]! ? 0 : 1;
    const r = homogenise(
      { dims: [n, n, nz], materialOf, stiffnessPa: phases.map((p) => isotropicStiffnessPa(p.K, p.G)) },
      { tolerance: 1e-11 },
    );
    // Exact: in-plane strains and σ_zz, σ_xz, σ_yz are continuous across the layers.
    const f = layers.map((l) => l / nz);
    const lam = phases.map((p) => p.K - (2 / 3) * p.G);
    const Mz = phases.map((p, i) => lam[i]! + 2 * p.G);
    const avg = (g: (i: number) => number): number => f[0]! * g(0) + f[1]! * g(1);
    const C33 = 1 / avg((i) => 1 / Mz[i]!);
    const C13 = C33 * avg((i) => lam[i]! / Mz[i]!);
    const C11 = avg((i) => Mz[i]! - lam[i]! ** 2 / Mz[i]!) + C13 ** 2 / C33;
    const C12 = avg((i) => lam[i]! - lam[i]! ** 2 / Mz[i]!) + C13 ** 2 / C33;
    const C44 = 1 / avg((i) => 1 / phases[i]!.G);
    const C66 = avg((i) => phases[i]!.G);
    const expected = new Float64Array(36);
    const set = (i: number, j: number, v: number): void => {
      expected[6 * i + j] = v;
      expected[6 * j + i] = v;
    };
    set(0, 0, C11);
    set(1, 1, C11);
    set(2, 2, C33);
    set(0, 1, C12);
    set(0, 2, C13);
    set(1, 2, C13);
    set(3, 3, C44);
    set(4, 4, C44);
    set(5, 5, C66);
    expect(relErr(r.stiffnessPa, expected)).toBeLessThan(1e-8);
    expect(r.asymmetry).toBeLessThan(1e-8);
  });
});

describe("laminate (composite-voxel) stiffness", () => {
  const soft = isotropicStiffnessPa(4e9, 1.2e9);
  const stiff = rotateStiffness(cubicStiffnessPa(168.4e9, 121.4e9, 75.4e9), randomRotation(createRng(3)));

  it("equals the periodic FEM of resolved layers, for a normal along any axis", () => {
    const n = 6;
    for (const axis of [0, 1, 2]) {
      const dims: [number, number, number] = [n, n, n];
      dims[axis] = 5;
      const materialOf = new Uint8Array(dims[0] * dims[1] * dims[2]);
      for (let k = 0; k < dims[2]; k++)
        for (let j = 0; j < dims[1]; j++)
          for (let i = 0; i < dims[0]; i++) materialOf[i + dims[0] * (j + dims[1] * k)] = [i, j, k][axis]! < 2 ? 1 : 0;
      const fe = homogenise({ dims, materialOf, stiffnessPa: [soft, stiff] }, { tolerance: 1e-11 });
      const normal: [number, number, number] = [0, 0, 0];
      normal[axis] = 1;
      expect(relErr(laminateStiffness(soft, stiff, 2 / 5, normal), fe.stiffnessPa)).toBeLessThan(1e-8);
    }
  });

  it("is symmetric, returns the phases at fractions 0 and 1, and lies between Reuss and Voigt", () => {
    const normal: [number, number, number] = [0.3, -0.5, 0.8];
    const L = laminateStiffness(soft, stiff, 0.3, normal);
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 6; j++) expect(Math.abs(L[6 * i + j]! - L[6 * j + i]!)).toBeLessThan(1e-6 * L[0]!);
    expect(relErr(laminateStiffness(soft, stiff, 0, normal), soft)).toBe(0);
    expect(relErr(laminateStiffness(soft, stiff, 1, normal), stiff)).toBe(0);
    const voigt = isotropicProjection(soft.map((c, i) => 0.7 * c + 0.3 * stiff[i]!));
    const p = isotropicProjection(L);
    expect(p.bulkVoigtPa).toBeLessThanOrEqual(voigt.bulkVoigtPa);
    expect(p.shearVoigtPa).toBeLessThanOrEqual(voigt.shearVoigtPa);
  });
});

describe("homogenisation input checks", () => {
  const C = isotropicStiffnessPa(5e9, 2e9);
  it("names the voxel, material or entry that is wrong", () => {
    expect(() => homogenise({ dims: [2, 2, 2], materialOf: new Uint8Array(7), stiffnessPa: [C] })).toThrow(
      /7 entries but the grid has 8/,
    );
    expect(() => homogenise({ dims: [2, 2, 2], materialOf: new Uint8Array(8).fill(1), stiffnessPa: [C] })).toThrow(
      /voxel 0 refers to material 1/,
    );
    const indefinite = Float64Array.from(C);
    indefinite[21] = -1e9;
    expect(() => homogenise({ dims: [2, 2, 2], materialOf: new Uint8Array(8), stiffnessPa: [indefinite] })).toThrow(
      /material 0: stiffness is not positive definite/,
    );
    expect(() => cubicStiffnessPa(100e9, 120e9, 75e9)).toThrow(/C11=100 GPa, C12=120 GPa/);
  });
});
