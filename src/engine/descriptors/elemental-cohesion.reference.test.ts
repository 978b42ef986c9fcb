import { describe, expect, it } from "vitest";
import { readElementTable, spearman } from "../../../tests/support/element-tables";
import { SKIP_REASON, hasSharedFile } from "../../../tests/support/shared-data";
import { ELEMENTAL_TABLE, type ElementalProperties } from "./elemental-properties.table";

/**
 * The cohesion columns of the elemental table were typed from Kittel's tables; these
 * checks compare them with independent element tables of the shared data to catch typos:
 * `elements/oliynyk.csv` (Cohesive_energy in eV/atom, heat_atomization in kJ/mol) and
 * `elements/jarvis.csv` (KV: DFT Voigt bulk modulus of the elemental solid, GPa). The
 * engine itself reads no files; without the shared data these tests are skipped.
 */

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? (s[(n - 1) >> 1] as number) : 0.5 * ((s[n / 2 - 1] as number) + (s[n / 2] as number));
}

const KJ_PER_MOL_PER_EV = 96.485;
const elements = [...ELEMENTAL_TABLE.values()];

describe.skipIf(!hasSharedFile("elements", "oliynyk.csv"))(
  "cohesive energies against oliynyk.csv" + SKIP_REASON,
  () => {
    const oliynyk = hasSharedFile("elements", "oliynyk.csv")
      ? readElementTable("oliynyk.csv")
      : new Map<string, Record<string, number>>();
    const ref = (e: ElementalProperties, col: string): number => oliynyk.get(e.symbol)?.[col] ?? NaN;

    it("agrees with its Cohesive_energy to 2 % wherever both have a value", () => {
      // oliynyk.csv writes 0 for elements without a value (He, Pm, …): those are not compared.
      const both = elements.filter((e) => Number.isFinite(e.cohesiveEnergyEV) && ref(e, "Cohesive_energy") > 0);
      expect(both.length).toBeGreaterThanOrEqual(75);
      const off = both
        .filter((e) => Math.abs(e.cohesiveEnergyEV / ref(e, "Cohesive_energy") - 1) > 0.02)
        .map((e) => e.symbol);
      expect(off).toEqual([]);
    });

    it("agrees with the heat of atomisation to 12 % (a 298 K enthalpy, not a 0 K energy)", () => {
      const both = elements.filter(
        (e) => Number.isFinite(e.cohesiveEnergyEV) && ref(e, "heat_atomization(kJ/mol)") > 0,
      );
      expect(both.length).toBeGreaterThanOrEqual(75);
      const off = both
        .filter((e) => e.cohesiveEnergyEV > 0.5)
        .filter(
          (e) => Math.abs(e.cohesiveEnergyEV / (ref(e, "heat_atomization(kJ/mol)") / KJ_PER_MOL_PER_EV) - 1) > 0.12,
        )
        .map((e) => e.symbol);
      expect(off).toEqual([]);
    });

    it("has no value where the element has no solid at 1 atm (He)", () => {
      expect(Number.isNaN((ELEMENTAL_TABLE.get("He") as ElementalProperties).cohesiveEnergyEV)).toBe(true);
    });
  },
);

describe.skipIf(!hasSharedFile("elements", "jarvis.csv"))("bulk moduli against jarvis.csv (DFT)" + SKIP_REASON, () => {
  const jarvis = hasSharedFile("elements", "jarvis.csv")
    ? readElementTable("jarvis.csv")
    : new Map<string, Record<string, number>>();
  // jarvis.csv writes 0 where it has no elastic tensor. Not compared: Mn, whose DFT value
  // is for a non-magnetic cell (about 4 times the modulus of α-Mn), and the van der Waals
  // solids and liquid Hg, which semilocal DFT binds far too stiffly or too softly.
  const NOT_COMPARED = new Set(["Mn", "H", "He", "Ne", "Ar", "Kr", "Xe", "Rn", "Hg"]);
  const both = elements.filter(
    (e) => Number.isFinite(e.bulkModulusGPa) && (jarvis.get(e.symbol)?.["KV"] ?? 0) > 0 && !NOT_COMPARED.has(e.symbol),
  );
  const kv = (e: ElementalProperties): number => jarvis.get(e.symbol)?.["KV"] as number;

  it("ranks the elements alike (Spearman ρ > 0.9)", () => {
    expect(both.length).toBeGreaterThanOrEqual(60);
    expect(
      spearman(
        both.map((e) => e.bulkModulusGPa),
        both.map(kv),
      ),
    ).toBeGreaterThan(0.9);
  });

  it("has a median ratio to DFT near 1 and no element off by more than a factor of 3.5", () => {
    const ratios = both.map((e) => e.bulkModulusGPa / kv(e));
    expect(median(ratios)).toBeGreaterThan(0.85);
    expect(median(ratios)).toBeLessThan(1.1);
    // A slipped decimal point (×10) or a value in the wrong unit (×100) fails this.
    const off = both
      .filter((e) => e.bulkModulusGPa / kv(e) > 3.5 || e.bulkModulusGPa / kv(e) < 1 / 3.5)
      .map((e) => e.symbol);
    expect(off).toEqual([]);
  });
});
