import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SKIP_REASON, hasSharedData, sharedData } from "../../../../tests/support/shared-data";
import { type Crystal, wrapCrystal } from "../crystal";
import {
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
  maxFracDifference,
  maxLatticeDifference,
  maxLatticeParameterDifference,
} from "../structure.test-support";
import { parseCif, writeCif } from "./cif";
import { parseExtxyz, writeExtxyz } from "./extxyz";
import { parsePoscar, writePoscar } from "./poscar";

const readJson = (...parts: string[]): unknown => JSON.parse(readFileSync(sharedData("fixtures", ...parts), "utf8"));

/** Every periodic structure in the recorded fixtures, by source and id. */
function realStructures(): [string, Crystal][] {
  const out: [string, Crystal][] = [];
  for (const file of [
    "dft_3d_rebuilt_from_alignn_sample_data.json",
    "dft_3d_rebuilt_from_leaderboard_benchmarks.json",
  ]) {
    for (const r of readJson("jarvis", file) as JarvisEntry[]) out.push([`JARVIS ${r.jid}`, fromJarvis(r)]);
  }
  for (const file of [
    "legacy_materials_docs_propnet_subset.json",
    "legacy_materials_docs_mp-19_mp-20351_with_elasticity.json",
  ]) {
    for (const r of readJson("mp", file) as MpDoc[]) out.push([`MP ${r.task_id}`, fromMp(r)]);
  }
  for (const r of readJson("mp", "thermo_entries_Li-Fe-O_subset.json") as {
    entry_id: string;
    structure: MpDoc["structure"];
  }[]) {
    out.push([`MP thermo ${r.entry_id}`, fromMp(r)]);
  }
  for (const r of readJson("aflow", "aflowlib_entries_ael_agl_propnet_aflow_store.json") as AflowEntry[]) {
    out.push([`AFLOW ${r.compound}`, fromAflow(r)]);
  }
  for (const r of (
    readJson("optimade", "mcloud_optimade-sample_structures_page1.json") as { data: OptimadeStructure[] }
  ).data) {
    out.push([`Materials Cloud ${r.id}`, fromOptimade(r)]);
  }
  const oqmd = readJson("oqmd", "oqmdapi_formationenergy_data_rebuilt_matsciml_devset.json") as OqmdEntry[];
  for (const r of oqmd.slice(0, 40)) out.push([`OQMD ${r.name} ${r.spacegroup}`, fromOqmd(r)]);
  // Readers wrap coordinates into [0, 1); compare against the wrapped input.
  return out.map(([name, c]) => [name, wrapCrystal(c)]);
}

describe.skipIf(!hasSharedData)("round trip of real database structures through every format" + SKIP_REASON, () => {
  it("CIF, POSCAR and extended XYZ give back lattice, species and fractional coordinates to 1e-6", () => {
    const structures = realStructures();
    expect(structures.length).toBeGreaterThan(80);
    for (const [name, crystal] of structures) {
      const cif = parseCif(writeCif(crystal, { title: name }));
      expect(cif, name).toHaveLength(1);
      expect(cif[0]?.species, name).toEqual(crystal.species);
      // CIF keeps the cell parameters; the orientation is the standard one.
      expect(maxLatticeParameterDifference(cif[0]!.lattice, crystal.lattice), name).toBeLessThan(1e-6);
      expect(maxFracDifference(cif[0]!.fracCoords, crystal.fracCoords), name).toBeLessThan(1e-6);

      const poscar = parsePoscar(writePoscar(crystal, { comment: name }));
      expect(poscar.species, name).toEqual(crystal.species);
      expect(maxLatticeDifference(poscar.lattice, crystal.lattice), name).toBeLessThan(1e-6);
      expect(maxFracDifference(poscar.fracCoords, crystal.fracCoords), name).toBeLessThan(1e-6);

      const [xyz] = parseExtxyz(writeExtxyz([crystal]));
      expect(xyz?.species, name).toEqual(crystal.species);
      expect(maxLatticeDifference(xyz!.lattice, crystal.lattice), name).toBeLessThan(1e-6);
      expect(maxFracDifference(xyz!.fracCoords, crystal.fracCoords), name).toBeLessThan(1e-6);
    }
  });
});
