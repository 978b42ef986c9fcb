import { describe, expect, it } from "vitest";
import { SIMULATION_DESCRIPTORS, SimulationFeaturizer, stressInvariants } from "./simulation.featurizer";
import { ThermoFeaturizer } from "./thermo.featurizer";
import { UnitGroupNormaliser } from "./unit-group.normaliser";
import type { FeatureSpec } from "./descriptor-set";

describe("stress invariants", () => {
  it("uniaxial stress σ gives von Mises σ and pressure −σ/3", () => {
    // prettier-ignore
    const r = stressInvariants([[2, 0, 0], [0, 0, 0], [0, 0, 0]]);
    expect(r.vonMises).toBeCloseTo(2, 12);
    expect(r.pressure).toBeCloseTo(-2 / 3, 12);
  });
  it("pure shear τ gives √3 τ; hydrostatic stress gives zero", () => {
    // prettier-ignore
    expect(stressInvariants([[0, 1.5, 0], [1.5, 0, 0], [0, 0, 0]]).vonMises).toBeCloseTo(Math.sqrt(3) * 1.5, 12);
    // prettier-ignore
    const h = stressInvariants([[-5, 0, 0], [0, -5, 0], [0, 0, -5]]);
    expect(h.vonMises).toBeCloseTo(0, 12);
    expect(h.pressure).toBeCloseTo(5, 12);
  });
});

describe("simulation descriptors", () => {
  it("computes Voigt moduli and anisotropy from cubic constants, NaN where absent", () => {
    const f = new SimulationFeaturizer();
    const names = SIMULATION_DESCRIPTORS.features.map((x) => x.name);
    const v = f.featurize({ elasticConstantsGPa: { c11: 168.4, c12: 121.4, c44: 75.4 } });
    const get = (n: string): number => v[names.indexOf(n)] as number;
    expect(get("md_bulk_modulus_voigt")).toBeCloseTo((168.4 + 2 * 121.4) / 3, 10);
    expect(get("md_shear_modulus_voigt")).toBeCloseTo((168.4 - 121.4 + 3 * 75.4) / 5, 10);
    expect(get("md_zener_anisotropy")).toBeCloseTo((2 * 75.4) / 47, 10);
    expect(Number.isNaN(get("md_bond_energy"))).toBe(true);
  });
});

describe("thermodynamic features and ratios", () => {
  it("Pugh's ratio 5/3 corresponds to Poisson's ratio 1/4", () => {
    const v = new ThermoFeaturizer().featurize({
      bulkModulusGPa: 100,
      shearModulusGPa: 60,
      formationEnthalpyEVPerAtom: -1.2,
    });
    expect(v[0]).toBe(-1.2);
    expect(Number.isNaN(v[1] as number)).toBe(true);
    expect(v[2]).toBeCloseTo(5 / 3, 12);
    expect(v[3]).toBeCloseTo(0.25, 12);
  });
  it("cohesive energy over B·V is a number of order 0.1–1 for Cu", () => {
    // Cu: E_coh 3.49 eV/atom, B 140 GPa, V 11.8 Å³/atom.
    const v = new ThermoFeaturizer().featurize({
      cohesiveEnergyEVPerAtom: -3.49,
      bulkModulusGPa: 140,
      volumePerAtomA3: 11.8,
    });
    expect(v[4]).toBeCloseTo(3.49 / (140 * 11.8 * 6.241509e-3), 10);
    expect(v[4]).toBeGreaterThan(0.1);
    expect(v[4]).toBeLessThan(1);
  });
});

describe("unit-group z-score normaliser", () => {
  const specs: FeatureSpec[] = [
    { name: "a", unit: "K", group: "g", scale: "atomic" },
    { name: "b", unit: "K", group: "g", scale: "atomic" },
    { name: "c", unit: "1", group: "g", scale: "atomic" },
  ];
  const rows = [Float64Array.from([0, 10, 1]), Float64Array.from([2, 30, 3]), Float64Array.from([4, 50, NaN])];
  it("centres per feature and shares one scale per unit", () => {
    const n = UnitGroupNormaliser.fit(rows, specs);
    const s = n.toJSON();
    expect(s.means).toEqual([2, 30, 2]);
    // std a = √(8/3), std b = √(800/3): shared scale √((8/3 + 800/3)/2).
    const shared = Math.sqrt((8 / 3 + 800 / 3) / 2);
    expect(s.scales[0]).toBeCloseTo(shared, 12);
    expect(s.scales[1]).toBeCloseTo(shared, 12);
    expect(s.scales[2]).toBeCloseTo(1, 12);
    const t = n.transform(Float64Array.from([4, 50, NaN]));
    expect(t[0]).toBeCloseTo(2 / shared, 12);
    expect(t[1]).toBeCloseTo(20 / shared, 12);
    expect(t[2]).toBe(0);
  });
  it("round-trips through JSON", () => {
    const n = UnitGroupNormaliser.fit(rows, specs);
    const back = UnitGroupNormaliser.fromJSON(JSON.parse(JSON.stringify(n.toJSON())));
    const x = Float64Array.from([1.234, 5.678, 9.1]);
    expect(back.transform(x)).toEqual(n.transform(x));
  });
});
