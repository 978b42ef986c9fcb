import { describe, expect, it } from "vitest";
import { referenceStressConcentration } from "./fem-plate-hole.computation";

describe("reference stress concentration of a plate with a hole", () => {
  it("is Kirsch's 3 for an isotropic material", () => {
    expect(
      referenceStressConcentration({ elastic: { type: "isotropic", youngsModulusPa: 120e9, poissonRatio: 0.34 } }),
    ).toBe(3);
  });

  it("reduces to 3 for cubic constants of an isotropic material (C44 = (C11 − C12)/2)", () => {
    const [c11, c12] = [250e9, 110e9];
    const kt = referenceStressConcentration({
      elastic: { type: "cubic", C11Pa: c11, C12Pa: c12, C44Pa: (c11 - c12) / 2 },
    });
    expect(kt).toBeCloseTo(3, 12);
  });

  it("falls below 3 along [100] of a crystal stiffer in shear than isotropy (Zener ratio > 1), above it when softer", () => {
    // Copper (Simmons & Wang): Zener ratio 2C44/(C11 − C12) ≈ 3.2.
    const copper = referenceStressConcentration({
      elastic: { type: "cubic", C11Pa: 168.4e9, C12Pa: 121.4e9, C44Pa: 75.4e9 },
    });
    expect(copper).toBeLessThan(3);
    expect(copper).toBeGreaterThan(1);
    const soft = referenceStressConcentration({ elastic: { type: "cubic", C11Pa: 250e9, C12Pa: 110e9, C44Pa: 35e9 } });
    expect(soft).toBeGreaterThan(3);
  });
});
