import { describe, expect, it } from "vitest";
import { isotropicElastic } from "../materials/index";
import { thermalMaterial } from "../materials/thermal.material";
import type { Mesh } from "../mesh/mesh.types";
import { boxMesh, cantileverMesh } from "../mesh/structured.mesh";
import type { CsrMatrix } from "../solvers/csr.matrix";
import { assembleElastic, fixed } from "./elasticity.problem";
import { assembleHeat } from "./heat.problem";

/** Moves every node by a smooth, non-affine field (no two elements stay congruent). */
function distorted(mesh: Mesh, amplitudeM: number): Mesh {
  const coordinates = Float64Array.from(mesh.coordinates);
  for (let n = 0; n < mesh.nodeCount; n++) {
    const [x, y, z] = [coordinates[3 * n]!, coordinates[3 * n + 1]!, coordinates[3 * n + 2]!];
    coordinates[3 * n] = x + amplitudeM * Math.sin(7 * y + 3 * z);
    coordinates[3 * n + 1] = y + amplitudeM * Math.sin(5 * x * x + z);
    coordinates[3 * n + 2] = z + amplitudeM * Math.cos(11 * x * y);
  }
  return { ...mesh, coordinates };
}

function expectSameCsr(fast: CsrMatrix, general: CsrMatrix, relativeTolerance: number): void {
  expect(fast.rows).toBe(general.rows);
  expect(Array.from(fast.rowPtr)).toEqual(Array.from(general.rowPtr));
  expect(Array.from(fast.col)).toEqual(Array.from(general.col));
  let scale = 0;
  for (const v of general.val) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let q = 0; q < general.val.length; q++) worst = Math.max(worst, Math.abs(fast.val[q]! - general.val[q]!));
  expect(worst).toBeLessThanOrEqual(relativeTolerance * scale);
}

const steel = isotropicElastic({ youngsModulusPa: 210e9, poissonRatio: 0.3 });

describe("assembly reusing congruent elements", () => {
  const elasticModel = (mesh: Mesh) => ({
    mesh,
    element: "hex8i" as const,
    material: steel,
    supports: [fixed("fixed")],
    loads: [{ kind: "body" as const, forcePerVolumeNPerM3: [0, 0, -7.7e4] as const }],
  });

  it("gives the general assembler's CSR bit for bit on a distorted mesh (nothing to reuse)", () => {
    const mesh = distorted(
      cantileverMesh({ lengthM: 1, widthM: 0.1, heightM: 0.1, nx: 8, ny: 2, nz: 2, shape: "hex8" }),
      0.01,
    );
    const fast = assembleElastic(elasticModel(mesh));
    const general = assembleElastic(elasticModel(mesh), { reuseCongruentElements: false });
    expectSameCsr(fast.matrix, general.matrix, 0);
    expect(Array.from(fast.rhs)).toEqual(Array.from(general.rhs));
  });

  it("gives the general assembler's CSR on a structured mesh (to round-off of the coordinates)", () => {
    const mesh = cantileverMesh({ lengthM: 1, widthM: 0.1, heightM: 0.1, nx: 10, ny: 2, nz: 3, shape: "hex8" });
    expectSameCsr(
      assembleElastic(elasticModel(mesh)).matrix,
      assembleElastic(elasticModel(mesh), { reuseCongruentElements: false }).matrix,
      1e-12,
    );
  });

  it("does the same for conduction with a capacity matrix and a heat source", () => {
    for (const mesh of [
      boxMesh({ lengthM: 1, widthM: 1, heightM: 1, nx: 4, ny: 3, nz: 2, shape: "hex20" }),
      distorted(boxMesh({ lengthM: 1, widthM: 1, heightM: 1, nx: 4, ny: 3, nz: 2, shape: "hex8" }), 0.02),
    ]) {
      const model = {
        mesh,
        material: thermalMaterial({ conductivityWPerMK: 50, densityKgM3: 7800, heatCapacityJPerKgK: 450 }),
        heatSourceWPerM3: 1e5,
      };
      const fast = assembleHeat(model, true);
      const general = assembleHeat(model, true, { reuseCongruentElements: false });
      expectSameCsr(fast.conductivity, general.conductivity, 1e-12);
      expectSameCsr(fast.capacity!, general.capacity!, 1e-12);
      for (let n = 0; n < mesh.nodeCount; n++) expect(fast.load[n]!).toBeCloseTo(general.load[n]!, 8);
    }
  });
});
