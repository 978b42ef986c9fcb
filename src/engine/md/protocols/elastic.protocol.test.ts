/**
 * 0 K lattice constant, cohesive energy and C11/C12/C44 against LAMMPS
 * (elastic_0K.json, Cu_u3.eam and Ag_u3.eam): within 0.5 %.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hasSharedData, sharedData, SKIP_REASON } from "../../../../tests/support/shared-data";
import { loadPotential } from "../potentials";
import { elasticConstants, moduliFromStiffness } from "./elastic.protocol";

interface Ref {
  lattice: string;
  a0: number;
  Ecoh: number;
  C11: number;
  C12: number;
  C44: number;
}

describe.skipIf(!hasSharedData)("elastic constants vs LAMMPS" + SKIP_REASON, () => {
  const refs: Record<string, Ref> = hasSharedData
    ? (
        JSON.parse(readFileSync(sharedData("reference", "md", "elastic_0K.json"), "utf8")) as {
          shared: Record<string, Ref>;
        }
      ).shared
    : {};

  it.each(Object.keys(refs))("%s", (file) => {
    const ref = refs[file]!;
    const pot = loadPotential(readFileSync(sharedData("potentials", file), "utf8"), file);
    // Start 2 % off the reference so the box relaxation has to do real work.
    const r = elasticConstants({ lattice: ref.lattice, a0: ref.a0 * 1.02, species: [pot.elements[0]!] }, pot);
    const rel = (x: number, y: number): number => Math.abs(x - y) / Math.abs(y);
    expect(rel(r.a0, ref.a0)).toBeLessThan(0.005);
    expect(rel(r.cohesiveEnergyEvPerAtom, ref.Ecoh)).toBeLessThan(0.005);
    expect(rel(r.C11, ref.C11)).toBeLessThan(0.005);
    expect(rel(r.C12, ref.C12)).toBeLessThan(0.005);
    expect(rel(r.C44, ref.C44)).toBeLessThan(0.005);
    // Cubic symmetry of the full tensor.
    const C = r.stiffnessGPa;
    expect(Math.abs(C[0]![3]!)).toBeLessThan(0.05);
    expect(Math.abs(C[1]![1]! - C[0]![0]!)).toBeLessThan(0.05);
    expect(r.provenance.potential.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.moduli.bulkHill).toBeCloseTo((ref.C11 + 2 * ref.C12) / 3, -1);
  });
});

describe.skipIf(!hasSharedData)("elastic constants of a non-cubic cell" + SKIP_REASON, () => {
  it("hcp Cu (Cu_u3.eam, triclinic cell vectors) has hexagonal symmetry in the full 6×6", () => {
    const pot = loadPotential(readFileSync(sharedData("potentials", "Cu_u3.eam"), "utf8"), "Cu_u3.eam");
    const r = elasticConstants({ lattice: "hcp", a0: 2.56, species: ["Cu"], covera: 1.62 }, pot);
    const C = r.stiffnessGPa;
    const c = (i: number, j: number): number => C[i - 1]![j - 1]!;
    const tol = 0.01 * c(1, 1);
    expect(Math.abs(c(1, 1) - c(2, 2))).toBeLessThan(tol);
    expect(Math.abs(c(1, 3) - c(2, 3))).toBeLessThan(tol);
    expect(Math.abs(c(4, 4) - c(5, 5))).toBeLessThan(tol);
    expect(Math.abs(c(6, 6) - (c(1, 1) - c(1, 2)) / 2)).toBeLessThan(tol);
    for (const [i, j] of [
      [1, 4],
      [1, 5],
      [1, 6],
      [3, 4],
      [4, 5],
      [4, 6],
    ] as const)
      expect(Math.abs(c(i, j))).toBeLessThan(tol);
    // Stable: positive-definite principal minors of the hexagonal conditions.
    expect(c(1, 1) - Math.abs(c(1, 2))).toBeGreaterThan(0);
    expect(c(4, 4)).toBeGreaterThan(0);
    // Same nearest-neighbour distance as fcc to within 1 %: close-packed either way.
    expect(Math.abs(r.cellLengths[0] / (3.615 / Math.SQRT2) - 1)).toBeLessThan(0.01);
  });
});

describe("polycrystal moduli", () => {
  it("isotropic stiffness gives back its Lamé moduli exactly", () => {
    const lambda = 60;
    const mu = 30;
    const C = Array.from({ length: 6 }, (_, i) =>
      Array.from({ length: 6 }, (_, j) => (i < 3 && j < 3 ? lambda + (i === j ? 2 * mu : 0) : i === j ? mu : 0)),
    );
    const m = moduliFromStiffness(C);
    const K = lambda + (2 * mu) / 3;
    expect(m.bulkVoigt).toBeCloseTo(K, 10);
    expect(m.bulkReuss).toBeCloseTo(K, 10);
    expect(m.shearHill).toBeCloseTo(mu, 10);
    expect(m.youngsHill).toBeCloseTo((mu * (3 * lambda + 2 * mu)) / (lambda + mu), 10);
    expect(m.poissonHill).toBeCloseTo(lambda / (2 * (lambda + mu)), 10);
  });
});
