/**
 * Protocol checks beyond the LAMMPS elastic reference: vacancy formation and
 * descriptors for Cu_u3.eam, the Green–Kubo integral on an analytic autocorrelation,
 * a short Green–Kubo run, a small coexistence melting run, determinism under a
 * seed, and cancellation by AbortSignal.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hasSharedData, sharedData, SKIP_REASON } from "../../../../tests/support/shared-data";
import { AbortedError } from "../core/errors";
import { Random } from "../core/random";
import { loadPotential, type Potential } from "../potentials";
import { vacancyFormationEnergy } from "./crystal.protocol";
import { atomisticDescriptors } from "./descriptors.protocol";
import { meltingTemperatureCoexistence } from "./melting.protocol";
import { integrateAutocorrelation, thermalConductivityGreenKubo } from "./thermal-conductivity.protocol";

describe("Green–Kubo integral", () => {
  it("integrates an exponentially decaying flux correlation to its analytic value", () => {
    // AR(1) series has ACF c0·φ^k; choose deterministic construction: J_t = φ J_{t-1} + noise.
    let x = 0,
      y = 0,
      z = 0;
    const rng = new Random(1);
    const rnd = (): number => rng.uniform() - 0.5;
    const phi = 0.9;
    const flux: number[] = [];
    for (let t = 0; t < 200_000; t++) {
      x = phi * x + rnd();
      y = phi * y + rnd();
      z = phi * z + rnd();
      flux.push(x, y, z);
    }
    const c0 = 1 / 12 / (1 - phi * phi);
    const { kappa } = integrateAutocorrelation(flux, 200, 1, 1, 1, 1);
    // Trapezoid of c0 φ^k over k = 0..∞ = c0 (1/(1−φ) − ½); scale factor 1602.18 eV/(Å·ps·K) → W/m/K.
    const expected = 1602.176634 * c0 * (1 / (1 - phi) - 0.5);
    expect(Math.abs(kappa[kappa.length - 1]! - expected) / expected).toBeLessThan(0.05);
  });
});

describe.skipIf(!hasSharedData)("protocols with Cu_u3.eam" + SKIP_REASON, () => {
  const pot = (): Potential => loadPotential(readFileSync(sharedData("potentials", "Cu_u3.eam"), "utf8"), "Cu_u3.eam");

  it("vacancy formation energy is that of Cu_u3 (Foiles 1986: 1.28 eV unrelaxed-ish, ~1.2–1.3 eV)", () => {
    const r = vacancyFormationEnergy({ lattice: "fcc", a0: 3.615, species: ["Cu"], repeat: [3, 3, 3] }, pot());
    expect(r.atoms).toBe(108);
    expect(r.vacancyFormationEnergyEv).toBeGreaterThan(1.1);
    expect(r.vacancyFormationEnergyEv).toBeLessThan(1.4);
  });

  it("descriptors: fcc has 12 neighbours and bond energy = Ecoh / 6", () => {
    const d = atomisticDescriptors({ lattice: "fcc", a0: 3.6, species: ["Cu"] }, pot());
    expect(d.coordinationNumber).toBe(12);
    expect(d.nearestNeighborA).toBeCloseTo(3.615 / Math.SQRT2, 3);
    expect(d.bondEnergyEv).toBeCloseTo(d.cohesiveEnergyEvPerAtom / 6, 10);
    expect(Math.abs(d.stressInvariantsRelaxedGPa.i1)).toBeLessThan(1e-3);
    expect(d.stressInvariantsStrainedGPa.vonMises).toBeGreaterThan(0.1);
  });

  it("Green–Kubo run gives a positive conductivity with an uncertainty, reproducibly", () => {
    const opts = {
      temperatureK: 300,
      seed: 11,
      equilibrationSteps: 300,
      productionSteps: 1500,
      correlationTimePs: 0.5,
      runs: 2,
    };
    const spec = { lattice: "fcc", a0: 3.615, species: ["Cu"], repeat: [3, 3, 3] as [number, number, number] };
    const a = thermalConductivityGreenKubo(spec, pot(), opts);
    const b = thermalConductivityGreenKubo(spec, pot(), opts);
    expect(a.perRunWPerMK).toEqual(b.perRunWPerMK);
    expect(a.perRunWPerMK).toHaveLength(2);
    expect(Number.isFinite(a.uncertaintyWPerMK)).toBe(true);
    expect(a.provenance.parameters["seed"]).toBe(11);
  });

  it("coexistence puts Cu_u3 melting near 1300 K with both phases present", () => {
    // 5×5 cells across: with 4×4 a thin slab of either phase often vanishes.
    const r = meltingTemperatureCoexistence({ lattice: "fcc", a0: 3.615, species: ["Cu"], repeat: [5, 5, 10] }, pot(), {
      temperatureGuessK: 1300,
      seed: 2024,
      equilibrationSteps: 1500,
      meltSteps: 1500,
      coexistenceSteps: 8000,
      maxAttempts: 2,
    });
    expect(r.atoms).toBe(1000);
    expect(r.coexistence).toBe(true);
    expect(r.solidFraction).toBeGreaterThan(0.05);
    expect(r.solidFraction).toBeLessThan(0.95);
    expect(r.meltingTemperatureK).toBeGreaterThan(1150);
    expect(r.meltingTemperatureK).toBeLessThan(1450);
    expect(r.uncertaintyK).toBeGreaterThan(0);
    expect(r.uncertaintyK).toBeLessThan(60);
  });

  it("an aborted signal stops a long run with AbortedError", () => {
    const ac = new AbortController();
    ac.abort();
    expect(() =>
      meltingTemperatureCoexistence({ lattice: "fcc", a0: 3.615, species: ["Cu"] }, pot(), {
        temperatureGuessK: 1300,
        seed: 1,
        signal: ac.signal,
      }),
    ).toThrow(AbortedError);
  });
});
