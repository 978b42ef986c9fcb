import { describe, expect, it } from "vitest";
import { boxMesh } from "../mesh/structured.mesh";
import type { Mesh } from "../mesh/mesh.types";
import { solveExplicit } from "./explicit.solver";
import { explicitMaterial } from "./j2-plasticity.material";

/** Position (m) where the x-velocity along the bar's axis line first drops below half of v0. */
function frontPosition(mesh: Mesh, velocity: Float64Array, v0: number): number {
  const axis: Array<[number, number]> = [];
  for (let n = 0; n < mesh.nodeCount; n++)
    if (mesh.coordinates[3 * n + 1] === 0 && mesh.coordinates[3 * n + 2] === 0)
      axis.push([mesh.coordinates[3 * n] as number, velocity[3 * n] as number]);
  axis.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < axis.length; i++) {
    const [x0, u0] = axis[i - 1]!;
    const [x1, u1] = axis[i]!;
    if (u0 >= v0 / 2 && u1 < v0 / 2) return x0 + ((u0 - v0 / 2) / (u0 - u1)) * (x1 - x0);
  }
  throw new Error("no wave front found");
}

describe("explicit dynamics: waves and energy", () => {
  it("a velocity step on a bar end travels at √(E/ρ) (ν = 0, so bar and dilatational speeds agree)", () => {
    const E = 200e9;
    const rho = 7850;
    const c = Math.sqrt(E / rho);
    const v0 = 1;
    const mesh = boxMesh({ lengthM: 1, widthM: 0.02, heightM: 0.02, nx: 200, ny: 1, nz: 1, shape: "hex8" });
    const material = explicitMaterial({ youngsModulusPa: E, poissonRatio: 0, densityKgM3: rho });
    const run = (t: number): number => {
      const r = solveExplicit(
        { mesh, material, prescribed: [{ nodes: "xmin", component: "x", velocityMPerS: v0 }] },
        { durationS: t },
      );
      return frontPosition(mesh, r.velocityMPerS, v0);
    };
    const t1 = 0.2 / c;
    const t2 = 0.7 / c;
    const speed = (run(t2) - run(t1)) / (t2 - t1);
    expect(Math.abs(speed - c) / c).toBeLessThan(0.01);
  });

  it("a free elastic block keeps its total energy within 1 % (kinetic ↔ internal exchange)", () => {
    // A block launched against a fixed wall face: compression wave, rebound, all elastic.
    const mesh = boxMesh({ lengthM: 0.1, widthM: 0.02, heightM: 0.02, nx: 20, ny: 4, nz: 4, shape: "hex8" });
    const material = explicitMaterial({ youngsModulusPa: 70e9, poissonRatio: 0.3, densityKgM3: 2700 });
    const c = Math.sqrt(material.pWaveModulusPa / material.densityKgM3);
    const r = solveExplicit(
      {
        mesh,
        material,
        initialVelocityMPerS: [-10, 0, 0],
        prescribed: [{ nodes: "xmin", component: "x", velocityMPerS: 0 }],
      },
      { durationS: (1.5 * 0.1) / c },
    );
    const h = r.history;
    const e0 = (h.kineticEnergyJ[0] as number) + (h.internalEnergyJ[0] as number);
    let worst = 0;
    let minKinetic = Infinity;
    for (let i = 0; i < h.timeS.length; i++) {
      const total = (h.kineticEnergyJ[i] as number) + (h.internalEnergyJ[i] as number) - (h.externalWorkJ[i] as number);
      worst = Math.max(worst, Math.abs(total - e0) / e0);
      minKinetic = Math.min(minKinetic, h.kineticEnergyJ[i] as number);
    }
    // The exchange is real: most of the kinetic energy goes into strain energy at some point.
    expect(minKinetic).toBeLessThan(0.5 * e0);
    expect(worst).toBeLessThan(0.01);
  });

  it("validates its input and honours cancellation", () => {
    const mesh = boxMesh({ lengthM: 0.1, widthM: 0.02, heightM: 0.02, nx: 4, ny: 1, nz: 1, shape: "hex8" });
    const material = explicitMaterial({ youngsModulusPa: 70e9, poissonRatio: 0.3, densityKgM3: 2700 });
    expect(() => solveExplicit({ mesh, material }, { durationS: -1 })).toThrow(/duration/);
    expect(() =>
      solveExplicit(
        { mesh, material, prescribed: [{ nodes: "nowhere", component: "x", velocityMPerS: 0 }] },
        { durationS: 1e-5 },
      ),
    ).toThrow(/unknown node set "nowhere"/);
    expect(() => explicitMaterial({ youngsModulusPa: 70e9, poissonRatio: 0.6, densityKgM3: 2700 })).toThrow(/Poisson/);
    const tet = boxMesh({ lengthM: 0.1, widthM: 0.02, heightM: 0.02, nx: 1, ny: 1, nz: 1, shape: "tet4" });
    expect(() => solveExplicit({ mesh: tet, material }, { durationS: 1e-5 })).toThrow(/hex8/);
    const controller = new AbortController();
    const events: number[] = [];
    expect(() =>
      solveExplicit(
        { mesh, material, initialVelocityMPerS: [1, 0, 0] },
        {
          durationS: 1e-3,
          progressEvery: 10,
          signal: controller.signal,
          onProgress: (e) => {
            events.push(e.iteration ?? -1);
            if (events.length === 2) controller.abort();
          },
        },
      ),
    ).toThrow(expect.objectContaining({ code: "FEM_CANCELLED" }));
    expect(events).toEqual([10, 20]);
  });
});
