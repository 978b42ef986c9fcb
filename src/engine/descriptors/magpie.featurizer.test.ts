import { describe, expect, it } from "vitest";
import { FeaturizationError } from "./descriptor-set";
import { MagpieFeaturizer, MAGPIE_DESCRIPTORS } from "./magpie.featurizer";

const featurizer = new MagpieFeaturizer();
const names = MAGPIE_DESCRIPTORS.features.map((f) => f.name);
const value = (v: Float64Array, name: string): number => {
  const i = names.indexOf(name);
  if (i < 0) throw new Error(`no feature ${name}`);
  return v[i] as number;
};

describe("Magpie-style composition descriptors", () => {
  it("has 26 properties × 6 statistics + 12 stoichiometric features + 8 × 6 Hölder means, uniquely named, with units", () => {
    expect(names.length).toBe(26 * 6 + 12 + 8 * 6);
    expect(new Set(names).size).toBe(names.length);
    expect(MAGPIE_DESCRIPTORS.features.find((f) => f.name === "mean_meltingPointK")?.unit).toBe("K");
    expect(MAGPIE_DESCRIPTORS.version).toMatch(/^\d+\.\d+\.\d+\+/);
  });

  it("computes Fe2O3 statistics by hand", () => {
    const v = featurizer.featurize("Fe2O3");
    // x_Fe = 0.4, x_O = 0.6; Z = 26, 8.
    expect(value(v, "mean_atomicNumber")).toBeCloseTo(0.4 * 26 + 0.6 * 8, 12);
    expect(value(v, "avg_dev_atomicNumber")).toBeCloseTo(0.4 * 10.8 + 0.6 * 7.2, 12);
    expect(value(v, "min_atomicNumber")).toBe(8);
    expect(value(v, "max_atomicNumber")).toBe(26);
    expect(value(v, "range_atomicNumber")).toBe(18);
    expect(value(v, "mode_atomicNumber")).toBe(8);
    expect(value(v, "mean_electronegativityPauling")).toBeCloseTo(0.4 * 1.83 + 0.6 * 3.44, 12);
    expect(value(v, "stoich_p0_norm")).toBe(2);
    expect(value(v, "stoich_p2_norm")).toBeCloseTo(Math.sqrt(0.16 + 0.36), 12);
    expect(value(v, "stoich_p3_norm")).toBeCloseTo(Math.cbrt(0.064 + 0.216), 12);
    // Valence electrons: Fe 4s2 3d6 (8), O 2s2 2p4 (6): total 0.4·8 + 0.6·6 = 6.8.
    expect(value(v, "frac_s_valence")).toBeCloseTo(2 / 6.8, 12);
    expect(value(v, "frac_p_valence")).toBeCloseTo((0.6 * 4) / 6.8, 12);
    expect(value(v, "frac_d_valence")).toBeCloseTo((0.4 * 6) / 6.8, 12);
    expect(value(v, "frac_f_valence")).toBe(0);
    const ionic = 1 - Math.exp(-0.25 * (3.44 - 1.83) ** 2);
    expect(value(v, "max_ionic_char")).toBeCloseTo(ionic, 12);
    expect(value(v, "mean_ionic_char")).toBeCloseTo(2 * 0.4 * 0.6 * ionic, 12);
  });

  it("gives an element its own properties and zero spread", () => {
    const v = featurizer.featurize("Cu");
    expect(value(v, "mean_meltingPointK")).toBe(1357.77);
    expect(value(v, "avg_dev_meltingPointK")).toBe(0);
    expect(value(v, "range_covalentRadiusPm")).toBe(0);
    expect(value(v, "max_ionic_char")).toBe(0);
  });

  it("takes the smaller value when the most abundant element is tied", () => {
    const v = featurizer.featurize("NaCl");
    expect(value(v, "mode_atomicNumber")).toBe(11);
  });

  it("does not depend on how the formula is written", () => {
    expect(featurizer.featurize("Ti4O8")).toEqual(featurizer.featurize("TiO2"));
    expect(featurizer.featurize("O2Ti")).toEqual(featurizer.featurize("TiO2"));
  });

  it("reports bad formulas and elements without data as FeaturizationError", () => {
    expect(() => featurizer.featurize("Xx2O")).toThrow(FeaturizationError);
    expect(() => featurizer.featurize("fe2o3")).toThrow(/capital/);
    expect(() => featurizer.featurize("CfO2")).toThrow(/no elemental data for Cf/);
    try {
      featurizer.featurize("");
    } catch (err) {
      expect((err as FeaturizationError).code).toBe("FEATURIZATION");
    }
  });

  it("computes Hölder means by hand (Fe2O3: x_Fe = 0.4, x_O = 0.6)", () => {
    const v = featurizer.featurize("Fe2O3");
    // Cohesive energies Fe 4.28, O 2.60 eV/atom.
    expect(value(v, "holder_mean_p0_cohesiveEnergyEV")).toBeCloseTo(
      Math.exp(0.4 * Math.log(4.28) + 0.6 * Math.log(2.6)),
      12,
    );
    expect(value(v, "holder_mean_p-1_cohesiveEnergyEV")).toBeCloseTo(1 / (0.4 / 4.28 + 0.6 / 2.6), 12);
    expect(value(v, "holder_mean_p2_cohesiveEnergyEV")).toBeCloseTo(Math.sqrt(0.4 * 4.28 ** 2 + 0.6 * 2.6 ** 2), 12);
    // Power means are ordered in q and bounded by min and max.
    const m = [-4, -2, -1, 0, 2, 4].map((q) => value(v, `holder_mean_p${q}_meltingPointK`));
    for (let i = 1; i < m.length; i++) expect(m[i] as number).toBeGreaterThan(m[i - 1] as number);
    expect(m[0] as number).toBeGreaterThan(value(v, "min_meltingPointK"));
    expect(m[5] as number).toBeLessThan(value(v, "max_meltingPointK"));
  });

  it("takes bulk-modulus statistics over the elements that have one (O₂ has none)", () => {
    const v = featurizer.featurize("Fe2O3");
    const fe = featurizer.featurize("Fe");
    for (const stat of ["mean", "min", "max", "mode"])
      expect(value(v, `${stat}_bulkModulusGPa`)).toBe(value(fe, "mean_bulkModulusGPa"));
    expect(value(v, "avg_dev_bulkModulusGPa")).toBe(0);
    expect(value(v, "holder_mean_p-2_bulkModulusGPa")).toBeCloseTo(value(fe, "mean_bulkModulusGPa"), 9);
    // Mode: the most abundant element with a value (Ti in TiO2); on a tie the smaller value.
    const tio2 = featurizer.featurize("TiO2");
    expect(value(tio2, "mode_bulkModulusGPa")).toBe(value(featurizer.featurize("Ti"), "mean_bulkModulusGPa"));
    const mgal = featurizer.featurize("MgAl");
    expect(value(mgal, "mode_bulkModulusGPa")).toBe(
      Math.min(
        value(featurizer.featurize("Mg"), "mean_bulkModulusGPa"),
        value(featurizer.featurize("Al"), "mean_bulkModulusGPa"),
      ),
    );
    expect(value(mgal, "mean_bulkModulusGPa")).toBeCloseTo(
      0.5 *
        (value(featurizer.featurize("Mg"), "mean_bulkModulusGPa") +
          value(featurizer.featurize("Al"), "mean_bulkModulusGPa")),
      12,
    );
    // No element with a value: every statistic unknown.
    const no2 = featurizer.featurize("NO2");
    for (const stat of ["mean", "avg_dev", "min", "max", "range", "mode"])
      expect(Number.isNaN(value(no2, `${stat}_bulkModulusGPa`))).toBe(true);
    expect(Number.isNaN(value(no2, "holder_mean_p0_bulkModulusGPa"))).toBe(true);
  });

  it("marks a property unknown for an element as missing instead of guessing", () => {
    const v = featurizer.featurize("HeO");
    expect(Number.isNaN(value(v, "mean_electronegativityPauling"))).toBe(true);
    expect(Number.isNaN(value(v, "max_electronegativityPauling"))).toBe(true);
    expect(value(v, "mean_atomicNumber")).toBe(5);
  });
});
