import { describe, expect, it } from "vitest";
import { canonicalUnitOf, PropertyKey, toCanonicalValue } from "./domain/property-key";
import { convertUnit } from "./units";

describe("unit conversion", () => {
  it.each([
    [1, "GPa", "GPa", 1],
    [1700, "kbar", "GPa", 170],
    [76000, "MPa", "GPa", 76],
    [-25, "meV/atom", "eV/atom", -0.025],
    [96.48533212, "kJ/mol", "eV/atom", 1],
    [25, "°C", "K", 298.15],
    [300, "K", "°C", 26.85],
    [7870, "kg/m3", "g/cm^3", 7.87],
    [12, "ppm/K", "1/K", 12e-6],
    [3, "W/(m·K)", "W/m/K", 3],
  ])("%d %s = %d %s", (value, from, to, expected) => {
    expect(convertUnit(value, from, to)).toBeCloseTo(expected, 10);
  });

  it("round-trips through every pair of one dimension", () => {
    for (const [a, b] of [
      ["GPa", "kbar"],
      ["eV/atom", "meV/atom"],
      ["K", "°C"],
      ["g/cm^3", "kg/m^3"],
    ] as const) {
      expect(convertUnit(convertUnit(123.456, a, b), b, a)).toBeCloseTo(123.456, 9);
    }
  });

  it("refuses units of another dimension and unknown units, naming them", () => {
    expect(() => convertUnit(1, "eV", "GPa")).toThrow(/unit "eV" measures energy, not pressure/);
    expect(() => convertUnit(1, "furlong", "GPa")).toThrow(/unknown unit "furlong"/);
  });

  it("gives every property key a canonical unit", () => {
    for (const key of Object.values(PropertyKey)) expect(typeof canonicalUnitOf(key)).toBe("string");
    expect(canonicalUnitOf(PropertyKey.EXFOLIATION_ENERGY)).toBe("meV/atom");
    expect(toCanonicalValue(PropertyKey.EXFOLIATION_ENERGY, 0.05, "eV/atom")).toBeCloseTo(50, 10);
    expect(canonicalUnitOf(PropertyKey.POISSON_RATIO)).toBe("");
  });

  it("converts the same whatever spellings came before (the lookup cache holds a bounded number)", () => {
    for (let i = 0; i < 1500; i++) {
      const spelled = `${" ".repeat(i % 40)}${i % 2 ? "gpa" : "GPa"}${" ".repeat(Math.floor(i / 40))}`;
      expect(convertUnit(2, spelled, "MPa")).toBe(2000);
      expect(() => convertUnit(2, spelled, "eV")).toThrow(/measures pressure, not energy/);
    }
    expect(convertUnit(300, "K", "°C")).toBeCloseTo(26.85, 10);
  });
});
