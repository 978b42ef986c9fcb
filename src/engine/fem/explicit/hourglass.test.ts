import { describe, expect, it } from "vitest";
import { boxMesh } from "../mesh/structured.mesh";
import type { Mesh } from "../mesh/mesh.types";
import { solveExplicit } from "./explicit.solver";
import type { HourglassControl } from "./explicit.types";
import { explicitMaterial } from "./j2-plasticity.material";
import { HOURGLASS_BASE } from "./hex8-hourglass";

/**
 * Patch-like checks of the one-point Hex8 with hourglass control on a distorted mesh: rigid
 * motion (translation + rotation) must produce no forces, whatever the control, because the
 * Flanagan–Belytschko vectors γ are orthogonal to every linear field of the actual element —
 * raw Γ vectors are not, once the element is not a parallelepiped. A true hourglass velocity
 * must be resisted.
 */
function distortedMesh(): Mesh {
  const base = boxMesh({ lengthM: 0.02, widthM: 0.02, heightM: 0.02, nx: 2, ny: 2, nz: 2, shape: "hex8" });
  const coordinates = Float64Array.from(base.coordinates);
  // Deterministic, non-affine perturbation of every node (≈ 15 % of the cell size).
  for (let n = 0; n < base.nodeCount; n++)
    for (let i = 0; i < 3; i++) coordinates[3 * n + i]! += 0.0015 * Math.sin(1.7 * n + 2.3 * i + 0.4);
  return { ...base, coordinates };
}

const material = explicitMaterial({ youngsModulusPa: 200e9, poissonRatio: 0.3, densityKgM3: 7850 });
const controls: HourglassControl[] = [
  { kind: "stiffness", coefficient: 0.1 },
  { kind: "viscous", coefficient: 0.1 },
];

describe("hourglass control of the one-point Hex8", () => {
  for (const hourglass of controls) {
    it(`${hourglass.kind}: a rigid translation + rotation of a distorted mesh stays force-free`, () => {
      const mesh = distortedMesh();
      const run = (omegaScale: number, translation: number): number => {
        const omega = [3 * omegaScale, -2 * omegaScale, 5 * omegaScale];
        const vt = [translation, -0.5 * translation, 0.25 * translation];
        const v0 = new Float64Array(3 * mesh.nodeCount);
        for (let n = 0; n < mesh.nodeCount; n++) {
          const [x, y, z] = [0, 1, 2].map((i) => (mesh.coordinates[3 * n + i] as number) - 0.01) as [
            number,
            number,
            number,
          ];
          v0[3 * n] = vt[0]! + omega[1]! * z - omega[2]! * y;
          v0[3 * n + 1] = vt[1]! + omega[2]! * x - omega[0]! * z;
          v0[3 * n + 2] = vt[2]! + omega[0]! * y - omega[1]! * x;
        }
        const r = solveExplicit(
          { mesh, material, hourglass, initialVelocityMPerS: v0 },
          { durationS: 1, maxSteps: 20 },
        );
        let change = 0;
        for (let k = 0; k < v0.length; k++) change = Math.max(change, Math.abs(r.velocityMPerS[k]! - v0[k]!));
        return change;
      };
      // Pure translation: exactly force-free.
      expect(run(0, 1)).toBeLessThan(1e-12);
      // Rotation: straight-line position updates stretch the body by (ωt)²/2, so the only
      // forces are second order in ω. A spurious hourglass or strain response would be first
      // order (γ·v ∝ ω) and make this ratio 10 instead of 100.
      const big = run(1, 1);
      const small = run(0.1, 1);
      expect(big / small).toBeGreaterThan(95);
      expect(big / small).toBeLessThan(105);
    });

    it(`${hourglass.kind}: an hourglass velocity pattern is resisted`, () => {
      const mesh = boxMesh({ lengthM: 0.01, widthM: 0.01, heightM: 0.01, nx: 1, ny: 1, nz: 1, shape: "hex8" });
      const v0 = new Float64Array(24);
      // x-velocity along the ηζ pattern: invisible to the one-point strain rate.
      for (let a = 0; a < 8; a++) v0[3 * a] = HOURGLASS_BASE[4 * a]!;
      const r = solveExplicit({ mesh, material, hourglass, initialVelocityMPerS: v0 }, { durationS: 1, maxSteps: 50 });
      const h = r.history;
      // The one-point strain rate does not see the mode: stress only from the slowly distorting
      // shape, second order in the displacement, far below the E·u/h a seen mode would carry.
      const maxDisplacement = Math.max(...r.displacementM.map(Math.abs));
      expect(Math.max(...r.stressPa.map(Math.abs))).toBeLessThan(
        1e-2 * material.youngsModulusPa * (maxDisplacement / 0.01),
      );
      expect(h.hourglassEnergyJ.at(-1)!).toBeGreaterThan(1e-3 * h.kineticEnergyJ[0]!);
      // Without control the mode would coast with its kinetic energy untouched.
      const free = solveExplicit(
        { mesh, material, hourglass: { kind: hourglass.kind, coefficient: 0 }, initialVelocityMPerS: v0 },
        { durationS: 1, maxSteps: 50 },
      );
      expect(free.history.kineticEnergyJ.at(-1)! / free.history.kineticEnergyJ[0]!).toBeCloseTo(1, 12);
    });
  }
});
