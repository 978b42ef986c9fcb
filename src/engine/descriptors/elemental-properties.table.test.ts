import { describe, expect, it } from "vitest";
import { ELEMENTAL_TABLE, type ElementalProperties } from "./elemental-properties.table";

describe("elemental table (own values)", () => {
  it("derives valence counts and volumes the way the references define them", () => {
    const fe = ELEMENTAL_TABLE.get("Fe") as ElementalProperties;
    expect([fe.sValence, fe.dValence, fe.totalValence, fe.dUnfilled, fe.totalUnfilled]).toEqual([2, 6, 8, 4, 4]);
    // bcc Fe, a = 2.8665 Å, 2 atoms per cell: 11.78 Å³/atom.
    expect(fe.volumePerAtomA3).toBeCloseTo(2.8665 ** 3 / 2, 1);
    const ga = ELEMENTAL_TABLE.get("Ga") as ElementalProperties;
    expect([ga.sValence, ga.pValence, ga.dValence, ga.pUnfilled, ga.dUnfilled]).toEqual([2, 1, 10, 5, 0]);
    expect(ELEMENTAL_TABLE.size).toBe(97);
  });

  it("derives the cohesive-energy density from cohesive energy and volume (W: 8.90 eV over 15.85 Å³)", () => {
    const w = ELEMENTAL_TABLE.get("W") as ElementalProperties;
    expect(w.cohesiveEnergyDensityGPa).toBeCloseTo((w.cohesiveEnergyEV / w.volumePerAtomA3) * 160.21766, 9);
    expect(w.cohesiveEnergyDensityGPa).toBeGreaterThan(85);
    expect(w.cohesiveEnergyDensityGPa).toBeLessThan(95);
    // Elemental bulk moduli are in GPa, diamond the stiffest.
    const stiffest = [...ELEMENTAL_TABLE.values()]
      .filter((e) => Number.isFinite(e.bulkModulusGPa))
      .sort((a, b) => b.bulkModulusGPa - a.bulkModulusGPa)[0];
    expect(stiffest?.symbol).toBe("C");
  });
});
