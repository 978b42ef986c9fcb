import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SKIP_REASON, hasSharedData, hasSharedFile, sharedData } from "../../../tests/support/shared-data";
import { type Crystal, crystalComposition, makeSupercell } from "./crystal";
import { parseCif } from "./formats/cif";
import { type Mat3 } from "./mat3";
import { groupPolymorphs, matchPrepared, prepareForMatching, structuresMatch } from "./structure-matcher";
import {
  ANATASE_CIF,
  RUTILE_CIF,
  bccConventional,
  deform,
  fccConventional,
  fccPrimitive,
  rotationMatrix,
  type AflowEntry,
  type JarvisEntry,
  type MpDoc,
  type OptimadeStructure,
  type OqmdEntry,
  fromAflow,
  fromJarvis,
  fromMp,
  fromOptimade,
  fromOqmd,
} from "./structure.test-support";

const IDENTITY: Mat3 = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

/** Same crystal with sites listed in reverse order and the origin moved by `shift` (fractional). */
function shiftedAndPermuted(c: Crystal, shift: readonly number[]): Crystal {
  const order = c.species.map((_, i) => c.species.length - 1 - i);
  return {
    lattice: c.lattice.map((r) => [...r]) as Crystal["lattice"],
    species: order.map((i) => c.species[i] as string),
    fracCoords: order.map((i) => (c.fracCoords[i] as number[]).map((x, k) => x + (shift[k] as number))),
  };
}

function rms(a: Crystal, b: Crystal): number | undefined {
  return matchPrepared(prepareForMatching(a), prepareForMatching(b));
}

describe("structuresMatch on textbook structures", () => {
  const rutile = parseCif(RUTILE_CIF)[0] as Crystal;
  const anatase = parseCif(ANATASE_CIF)[0] as Crystal;

  it("rutile and anatase (both TiO2) are different polymorphs", () => {
    expect(crystalComposition(rutile).reducedFormula).toBe(crystalComposition(anatase).reducedFormula);
    expect(structuresMatch(rutile, anatase)).toBe(false);
    expect(structuresMatch(anatase, rutile)).toBe(false);
  });

  it("rutile matches its 2×1×1 supercell, a rotated copy strained by 1%, and an origin-shifted copy with permuted sites", () => {
    expect(structuresMatch(rutile, makeSupercell(rutile, [2, 1, 1]))).toBe(true);
    const strain: Mat3 = [
      [1.01, 0.004, 0],
      [0.004, 0.995, 0],
      [0, 0, 1.01],
    ];
    const rotated = deform(rutile, rotationMatrix([1, 2, 3], 37), strain);
    expect(structuresMatch(rutile, rotated)).toBe(true);
    expect(structuresMatch(rutile, shiftedAndPermuted(rutile, [0.13, -0.41, 0.77]))).toBe(true);
    expect(rms(rutile, shiftedAndPermuted(rutile, [0.13, -0.41, 0.77]))).toBeLessThan(1e-9);
  });

  it("a uniformly scaled copy matches (scale=True) but moving the oxygens far from (x,x,0) does not", () => {
    const bigger = deform(rutile, IDENTITY, [
      [1.1, 0, 0],
      [0, 1.1, 0],
      [0, 0, 1.1],
    ]);
    expect(structuresMatch(rutile, bigger)).toBe(true);
    // O at (0.15, 0.15, 0) instead of 0.305: each O moves ≈1.0 Å, RMS ≈ 0.38 (V/n)^(1/3).
    const moved = parseCif(RUTILE_CIF.replace(/0\.305\(1\) 0\.305\(1\)/, "0.15 0.15"))[0] as Crystal;
    expect(moved.species).toHaveLength(rutile.species.length);
    expect(structuresMatch(rutile, moved)).toBe(false);
    expect(structuresMatch(rutile, moved, { stol: 2 })).toBe(true);
  });

  it("fcc Cu: the 4-atom conventional cell matches the 1-atom primitive cell; bcc and fcc Fe do not match", () => {
    expect(structuresMatch(fccConventional("Cu", 3.615), fccPrimitive("Cu", 3.615))).toBe(true);
    expect(structuresMatch(bccConventional("Fe", 2.8665), fccConventional("Fe", 3.65))).toBe(false);
    expect(structuresMatch(bccConventional("Fe", 2.8665), bccConventional("Fe", 2.9))).toBe(true);
    // Different compositions never match.
    expect(structuresMatch(fccConventional("Cu", 3.615), fccConventional("Ni", 3.524))).toBe(false);
  });

  it("groupPolymorphs numbers groups in first-seen order", () => {
    const groups = groupPolymorphs([
      rutile,
      anatase,
      makeSupercell(rutile, [1, 1, 2]),
      fccConventional("Cu", 3.615),
      shiftedAndPermuted(anatase, [0.5, 0.25, 0.1]),
      fccPrimitive("Cu", 3.6),
    ]);
    expect(groups).toEqual([0, 1, 0, 2, 1, 2]);
  });
});

const readJson = (...parts: string[]): unknown => JSON.parse(readFileSync(sharedData("fixtures", ...parts), "utf8"));

describe.skipIf(!hasSharedData || !hasSharedFile("fixtures"))(
  "structuresMatch on recorded database records" + SKIP_REASON,
  () => {
    const optimadeSample = (): OptimadeStructure[] =>
      (readJson("optimade", "mcloud_optimade-sample_structures_page1.json") as { data: OptimadeStructure[] }).data;
    const optimadeById = (id: string): Crystal => {
      const r = optimadeSample().find((d) => d.id === id);
      if (!r) throw new Error(`no OPTIMADE structure ${id}`);
      return fromOptimade(r);
    };
    const aflowNaCl = (): Crystal => {
      const r = (readJson("aflow", "aflowlib_entries_ael_agl_propnet_aflow_store.json") as AflowEntry[]).find(
        (e) => e.compound === "Cl1Na1",
      );
      if (!r) throw new Error("no AFLOW NaCl");
      return fromAflow(r);
    };
    const mcloudNaCl8 = (): Crystal =>
      fromOptimade(
        (readJson("optimade", "mcloud_optimade-sample_structures_single_1.json") as { data: OptimadeStructure }).data,
      );
    const jarvis = (jid: string): Crystal => {
      const r = (readJson("jarvis", "dft_3d_rebuilt_from_leaderboard_benchmarks.json") as JarvisEntry[]).find(
        (e) => e.jid === jid,
      );
      if (!r) throw new Error(`no JARVIS ${jid}`);
      return fromJarvis(r);
    };

    const oqmdHfTiN = (): { spacegroup: string; crystal: Crystal }[] =>
      (readJson("oqmd", "oqmdapi_formationenergy_data_rebuilt_matsciml_devset.json") as OqmdEntry[])
        .filter((e) => e.name === "HfTiN")
        .map((e) => ({ spacegroup: e.spacegroup, crystal: fromOqmd(e) }));

    it("NaCl from AFLOW (2-atom primitive cell) matches NaCl from Materials Cloud OPTIMADE (8-atom cube)", () => {
      const aflow = aflowNaCl();
      const mcloud = mcloudNaCl8();
      expect(aflow.species).toHaveLength(2);
      expect(mcloud.species).toHaveLength(8);
      expect(structuresMatch(aflow, mcloud)).toBe(true);
      // Both are ideal rock salt: only the lattice constants differ (5.672 vs 5.763 Å), which scaling removes.
      expect(rms(aflow, mcloud)).toBeLessThan(1e-6);
    });

    it("1T-NbS2 from Materials Cloud OPTIMADE matches JARVIS JVASP-578 (a 3.42 vs 3.31 Å, S height 0.25 vs 0.265)", () => {
      const mcloud = optimadeById("1584");
      const jv = jarvis("JVASP-578");
      expect(crystalComposition(mcloud).reducedFormula).toBe("NbS2");
      expect(crystalComposition(jv).reducedFormula).toBe("NbS2");
      expect(structuresMatch(mcloud, jv)).toBe(true);
      const d = rms(mcloud, jv) as number;
      expect(d).toBeGreaterThan(0.001); // not identical records
      expect(d).toBeLessThan(0.1);
    });

    it("two polymorphs of one composition do not match: rock-salt vs CsCl-type NaCl, and OQMD's two HfTiN entries (Cmmm, Pmn21)", () => {
      const cscl = optimadeById("580");
      expect(crystalComposition(cscl).reducedFormula).toBe("ClNa");
      expect(structuresMatch(aflowNaCl(), cscl)).toBe(false);
      expect(structuresMatch(mcloudNaCl8(), cscl)).toBe(false);
      const hftin = oqmdHfTiN();
      expect(hftin.map((h) => h.spacegroup).sort()).toEqual(["Cmmm", "Pmn21"]);
      expect(structuresMatch(hftin[0]!.crystal, hftin[1]!.crystal)).toBe(false);
    });

    it("OQMD's two F-43m LiZnGePd entries share one lattice but order the sites differently, and do not match", () => {
      const entries = (
        readJson("oqmd", "oqmdapi_formationenergy_data_rebuilt_matsciml_devset.json") as OqmdEntry[]
      ).filter((e) => e.name === "LiZnGePd");
      expect(entries.map((e) => e.spacegroup)).toEqual(["F-43m", "F-43m"]);
      const [x, y] = entries.map(fromOqmd) as [Crystal, Crystal];
      // Along the body diagonal: Pd 0, Ge ¼, Zn ½, Li ¾ versus Zn 0, Pd ¼, Ge ½, Li ¾.
      expect(structuresMatch(x, y)).toBe(false);
      // The lattices do map onto each other: only the site check tells them apart.
      expect(matchPrepared(prepareForMatching(x), prepareForMatching(y))).toBeGreaterThan(0.3);
      expect(structuresMatch(x, x)).toBe(true);
    });

    it("a 42-atom Materials Project record (mp-1100377, CaSn4S9) matches its rotated, origin-shifted, re-ordered 1×1×2 supercell", () => {
      const doc = (readJson("mp", "legacy_materials_docs_propnet_subset.json") as MpDoc[]).find(
        (d) => d.task_id === "mp-1100377",
      );
      if (!doc) throw new Error("no mp-1100377");
      const casn = fromMp(doc);
      expect(casn.species).toHaveLength(42);
      const copy = shiftedAndPermuted(
        deform(makeSupercell(casn, [1, 1, 2]), rotationMatrix([3, -1, 2], 71), IDENTITY),
        [0.3, 0.1, 0.7],
      );
      expect(copy.species).toHaveLength(84);
      expect(structuresMatch(casn, copy)).toBe(true);
      // The criterion is an RMS over all sites (as in pymatgen): one S of 42 moved by half a
      // cell is seen, but does not by itself break the match.
      const broken: Crystal = {
        ...casn,
        fracCoords: casn.fracCoords.map((f, i) => (i === 41 ? [f[0]! + 0.5, f[1]!, f[2]!] : f)),
      };
      const d = rms(casn, broken) as number;
      expect(d).toBeGreaterThan(0.05);
      expect(d).toBeLessThan(0.3);
    });

    it("groupPolymorphs over records from four databases", () => {
      const hftin = oqmdHfTiN();
      const groups = groupPolymorphs([
        aflowNaCl(),
        jarvis("JVASP-578"),
        mcloudNaCl8(),
        optimadeById("580"),
        hftin[0]!.crystal,
        optimadeById("1584"),
        hftin[1]!.crystal,
      ]);
      expect(groups).toEqual([0, 1, 0, 2, 3, 1, 4]);
    });
  },
);
