import { describe, expect, it } from "vitest";
import { SingularModelError } from "../fem.errors";
import { diffusivityM2PerS, thermalMaterial } from "../materials/index";
import { boxMesh } from "../mesh/structured.mesh";
import { effectiveConductivity, solveSteadyHeat, solveTransientHeat } from "./heat.problem";

const copper = thermalMaterial({ conductivityWPerMK: 400, densityKgM3: 8960, heatCapacityJPerKgK: 385 });

describe("steady conduction", () => {
  it.each(["hex8", "hex20", "tet4", "tet10"] as const)(
    "1D slab with fixed end temperatures gives the exact linear profile (%s)",
    (shape) => {
      const mesh = boxMesh({ lengthM: 0.5, widthM: 0.1, heightM: 0.1, nx: 6, ny: 2, nz: 2, shape });
      const r = solveSteadyHeat(
        {
          mesh,
          material: copper,
          fixedTemperatures: [
            { nodes: "xmin", temperatureK: 400 },
            { nodes: "xmax", temperatureK: 300 },
          ],
        },
        { tolerance: 1e-12 },
      );
      for (let n = 0; n < mesh.nodeCount; n++)
        expect(r.temperatureK[n]!).toBeCloseTo(400 - (100 * mesh.coordinates[3 * n]!) / 0.5, 7);
      // q = −k dT/dx = 400 × 200 = 80 kW/m² everywhere; k_eff recovers k.
      for (let n = 0; n < mesh.nodeCount; n++) expect(r.nodalFluxWPerM2[3 * n]! / 80_000).toBeCloseTo(1, 7);
      expect(effectiveConductivity(r, mesh.nodeSets.get("xmin")!, 0.01, 0.5, 100)).toBeCloseTo(400, 5);
    },
  );

  it("flux and convection boundaries: T(0) = T∞ + q/h + qL/k for a slab heated on one side", () => {
    const mesh = boxMesh({ lengthM: 0.2, widthM: 0.05, heightM: 0.05, nx: 4, ny: 1, nz: 1, shape: "hex20" });
    const q = 5e4;
    const h = 250;
    const r = solveSteadyHeat(
      {
        mesh,
        material: copper,
        fluxes: [{ faces: "xmin", fluxWPerM2: q }],
        convection: [{ faces: "xmax", coefficientWPerM2K: h, ambientK: 293 }],
      },
      { tolerance: 1e-12 },
    );
    const hot = 293 + q / h + (q * 0.2) / 400;
    for (const n of mesh.nodeSets.get("xmin")!) expect(r.temperatureK[n]!).toBeCloseTo(hot, 6);
  });

  it("a uniform heat source in a slab gives the parabolic profile Q x (L − x) / 2k", () => {
    const mesh = boxMesh({ lengthM: 1, widthM: 0.1, heightM: 0.1, nx: 4, ny: 1, nz: 1, shape: "hex20" });
    const r = solveSteadyHeat(
      {
        mesh,
        material: copper,
        heatSourceWPerM3: 8000,
        fixedTemperatures: [
          { nodes: "xmin", temperatureK: 0 },
          { nodes: "xmax", temperatureK: 0 },
        ],
      },
      { tolerance: 1e-12 },
    );
    for (let n = 0; n < mesh.nodeCount; n++) {
      const x = mesh.coordinates[3 * n]!;
      expect(r.temperatureK[n]!).toBeCloseTo((8000 * x * (1 - x)) / 800, 8);
    }
  });

  it("without any fixed temperature or convection the model is singular", () => {
    const mesh = boxMesh({ lengthM: 1, widthM: 1, heightM: 1, nx: 1, ny: 1, nz: 1, shape: "hex8" });
    expect(() => solveSteadyHeat({ mesh, material: copper, fluxes: [{ faces: "xmin", fluxWPerM2: 1 }] })).toThrow(
      SingularModelError,
    );
  });
});

describe("transient conduction (backward Euler)", () => {
  it("semi-infinite solid after a surface temperature step matches the erfc solution within 1 %", () => {
    // T(x,t) = T0 + (Ts − T0) erfc(x / 2√(αt)); the bar is long enough to be semi-infinite.
    const alpha = diffusivityM2PerS(copper);
    const t = 20;
    const depth = 2 * Math.sqrt(alpha * t);
    const length = 6 * depth;
    const mesh = boxMesh({ lengthM: length, widthM: 0.01, heightM: 0.01, nx: 120, ny: 1, nz: 1, shape: "hex8" });
    const r = solveTransientHeat(
      { mesh, material: copper, fixedTemperatures: [{ nodes: "xmin", temperatureK: 400 }] },
      { initialTemperatureK: 300, timeStepS: t / 400, steps: 400, tolerance: 1e-10 },
    );
    const T = r.temperaturesK[r.temperaturesK.length - 1]!;
    expect(r.timesS[r.timesS.length - 1]).toBeCloseTo(t, 9);
    let maxErr = 0;
    for (let n = 0; n < mesh.nodeCount; n++) {
      const x = mesh.coordinates[3 * n]!;
      const exact = 300 + 100 * erfc(x / depth);
      maxErr = Math.max(maxErr, Math.abs(T[n]! - exact) / 100);
    }
    expect(maxErr).toBeLessThan(0.01);
    expect(maxErr).toBeGreaterThan(0);
  });
});

/** erfc by the W. J. Cody rational approximation of erf (|error| < 1.2e-7, Numerical Recipes erfcc). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
