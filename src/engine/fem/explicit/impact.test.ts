import { describe, expect, it } from "vitest";
import { solvePlateImpact, type PlateImpactSpec } from "./impact.problem";

/**
 * Mesh refinement of a low-velocity impact on an epoxy-like plate (quarter model, J2 with linear
 * hardening, erosion at 0.9 % principal strain): 20 × 20 × 4 mm clamped plate, 10 mm sphere of
 * 20 g at 5 m/s. Cells (4n, 4n, 2n) for n = 3, 4, 5 (n = 2 does not reach the failure strain).
 * Observed rate p from Q(h) = Q* + C·h^p with h ∝ 1/n, solved from the two differences.
 */
const base: Omit<PlateImpactSpec, "cells"> = {
  plate: { lengthM: 0.02, widthM: 0.02, thicknessM: 0.004 },
  material: {
    youngsModulusPa: 3.5e9,
    poissonRatio: 0.35,
    densityKgM3: 1200,
    yieldStressPa: 60e6,
    hardening: { kind: "linear", modulusPa: 300e6 },
  },
  failure: { kind: "principal-strain", limit: 0.009 },
  striker: { shape: "sphere", radiusM: 0.01, massKg: 0.02, speedMPerS: 5 },
  symmetry: "quarter",
  durationS: 4e-4,
};

/** p with (n1^-p − n2^-p)/(n2^-p − n3^-p) = d12/d23, by bisection; NaN when not monotone. */
function observedRate(levels: readonly number[], values: readonly number[]): number {
  const [n1, n2, n3] = levels as [number, number, number];
  const [q1, q2, q3] = values as [number, number, number];
  const target = (q1 - q2) / (q2 - q3);
  if (!(target > 0)) return NaN;
  const ratio = (p: number): number => (n1 ** -p - n2 ** -p) / (n2 ** -p - n3 ** -p);
  let lo = 0.01;
  let hi = 10;
  if (target < ratio(lo) || target > ratio(hi)) return NaN;
  for (let i = 0; i < 100; i++) {
    const mid = 0.5 * (lo + hi);
    if (ratio(mid) < target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

describe("plate impact under mesh refinement", () => {
  it("peak force, absorbed energy and fracture strain converge (rates printed)", () => {
    const levels = [3, 4, 5];
    const runs = levels.map((n) => solvePlateImpact({ ...base, cells: [4 * n, 4 * n, 2 * n] }).summary);
    const force = runs.map((s) => s.peakForceN);
    const energy = runs.map((s) => s.absorbedEnergyJ);
    const fracture = runs.map((s) => s.fractureStrain);
    for (const s of runs) {
      // Each run is physical: the striker did work on the plate, energy is balanced to ~1 %.
      expect(s.absorbedEnergyJ).toBeGreaterThan(0);
      expect(s.absorbedEnergyJ).toBeLessThanOrEqual(0.5 * 0.02 * 25 * (1 + 1e-9));
      expect(s.energyBalanceError).toBeLessThan(0.02);
      expect(s.fractureStrain).not.toBeNull();
    }
    const rates = {
      peakForceN: observedRate(levels, force),
      absorbedEnergyJ: observedRate(levels, energy),
      fractureStrain: observedRate(levels, fracture as number[]),
    };
    console.log(JSON.stringify({ levels, force, energy, fracture, rates }));
    // Successive differences shrink for every quantity.
    for (const q of [force, energy, fracture as number[]])
      expect(Math.abs(q[1]! - q[2]!)).toBeLessThan(Math.abs(q[0]! - q[1]!));
    // The fracture strain is the criterion's limit plus one step's overshoot.
    for (const f of fracture) expect(Math.abs(f! - 0.009) / 0.009).toBeLessThan(0.01);
    expect(rates.peakForceN).toBeGreaterThan(0.5);
    expect(rates.absorbedEnergyJ).toBeGreaterThan(0.5);
  }, 60_000);
});
