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
  it("has 23 properties × 6 statistics + 12 stoichiometric features, uniquely named, with units", () => {
    expect(names.length).toBe(23 * 6 + 12);
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

  it("marks a property unknown for an element as missing instead of guessing", () => {
    const v = featurizer.featurize("HeO");
    expect(Number.isNaN(value(v, "mean_electronegativityPauling"))).toBe(true);
    expect(Number.isNaN(value(v, "max_electronegativityPauling"))).toBe(true);
    expect(value(v, "mean_atomicNumber")).toBe(5);
  });
});
