import { describe, expect, it } from "vitest";
import { Composition, FormulaError } from "./composition";

describe("Composition.parse", () => {
  it.each([
    ["Fe2O3", { Fe: 2, O: 3 }, "Fe2O3", "A3B2", "Fe-O"],
    ["Ho2In1Ni2", { Ho: 2, In: 1, Ni: 2 }, "Ho2InNi2", "A2B2C", "Ho-In-Ni"],
    ["Fe0.5Ni0.5", { Fe: 0.5, Ni: 0.5 }, "FeNi", "AB", "Fe-Ni"],
    ["Ca(OH)2", { Ca: 1, O: 2, H: 2 }, "CaH2O2", "A2B2C", "Ca-H-O"],
    ["CuSO4·5H2O", { Cu: 1, S: 1, O: 9, H: 10 }, "CuH10O9S", "A10B9CD", "Cu-H-O-S"],
    ["K4[Fe(CN)6]", { K: 4, Fe: 1, C: 6, N: 6 }, "C6FeK4N6", "A6B6C4D", "C-Fe-K-N"],
    ["NaCl", { Na: 1, Cl: 1 }, "ClNa", "AB", "Cl-Na"],
    ["O2", { O: 2 }, "O", "A", "O"],
    ["Ti4O8", { Ti: 4, O: 8 }, "O2Ti", "A2B", "O-Ti"],
    ["Al0.333Cu0.667", { Al: 0.333, Cu: 0.667 }, "AlCu2", "A2B", "Al-Cu"],
  ])("%s", (text, amounts, reduced, anonymous, chemsys) => {
    const c = Composition.parse(text);
    expect(Object.fromEntries(c.amounts)).toEqual(amounts);
    expect(c.reducedFormula).toBe(reduced);
    expect(c.anonymousFormula).toBe(anonymous);
    expect(c.chemicalSystem).toBe(chemsys);
    expect(c.elements).toEqual([...c.elements].sort());
  });

  it("keeps ratios that have no small whole-number form", () => {
    expect(Composition.parse("Fe0.123Ni0.877").reducedFormula).toBe("FeNi7.1301");
  });

  it.each([
    ["Xx2O3", 'unknown element "Xx" at position 1'],
    ["Fe2Q", 'unknown element "Q" at position 4'],
    ["fe2o3", "capital letter"],
    ["Ca(OH2", 'missing ")"'],
    ["Fe2O3)", 'unexpected ")"'],
    ["", "empty formula"],
    ["Fe0O", "amounts must be positive"],
    ["Fe2-O3", 'unexpected "-"'],
    ["()", "empty group"],
  ])("rejects %j naming the problem", (text, reason) => {
    expect(() => Composition.parse(text)).toThrow(FormulaError);
    expect(() => Composition.parse(text)).toThrow(reason);
  });

  it("builds from species and fractions sum to one", () => {
    const c = Composition.fromSpecies(["Fe", "O", "Fe", "O", "O"]);
    expect(c.reducedFormula).toBe("Fe2O3");
    const f = c.fractions();
    expect(f.get("Fe")).toBeCloseTo(0.4, 12);
    expect([...f.values()].reduce((a, b) => a + b)).toBeCloseTo(1, 12);
  });
});
