import { describe, expect, it } from "vitest";
import { PropertyKey } from "../../src/domain/property-key";
import { Composition } from "../../src/engine/chem/composition";
import { createAdapter } from "../../src/ingest";
import { RecordError } from "../../src/ingest/ingest.errors";
import type { SourcePage } from "../../src/ingest/source-adapter";
import type { CanonicalEntry, CanonicalProperty } from "../../src/services/canonical-entry";
import { hasSharedData, SKIP_REASON } from "../support/shared-data";
import { fixture } from "./support/ingest-fixtures";

/**
 * Normalisation of real recorded records of each source (shared fixtures), one
 * record at a time: the entry, its structure and every value with its unit. Fields
 * the recordings lack are tested with records built from the documented schema
 * (API_NOTES.md), and each such test says so.
 */
const PAGE: SourcePage = { records: [], next: null, context: { prefix: "mcloud", database: "optimade-sample" } };

/** The store's reduced formula (OPTIMADE chemical_formula_reduced: elements alphabetical). */
const reduced = (formula: string) => Composition.parse(formula).reducedFormula;

function prop(entry: CanonicalEntry, key: PropertyKey, method?: string): CanonicalProperty | undefined {
  return entry.properties.find((p) => p.key === key && (method === undefined || (p.method ?? "") === method));
}

function byId<T>(records: unknown[], field: string, id: string): T {
  const found = records.find((r) => (r as Record<string, unknown>)[field] === id);
  if (!found) throw new Error(`no record ${field}=${id}`);
  return found as T;
}

function det(l: readonly (readonly number[])[]): number {
  const [a, b, c] = l as number[][];
  return (
    a![0]! * (b![1]! * c![2]! - b![2]! * c![1]!) -
    a![1]! * (b![0]! * c![2]! - b![2]! * c![0]!) +
    a![2]! * (b![0]! * c![1]! - b![1]! * c![0]!)
  );
}

describe.skipIf(!hasSharedData)("adapters normalise recorded records" + SKIP_REASON, () => {
  const oqmd = createAdapter("oqmd");
  const mp = createAdapter("mp");
  const aflow = createAdapter("aflow");
  const jarvis = createAdapter("jarvis", { file: "dft_3d.json" });
  const optimade = createAdapter("optimade", { baseUrl: "http://127.0.0.1/optimade-sample/optimade" });

  it("OQMD formationenergy: composition, cell, sites, energies (eV/atom), gap (eV), volume per atom", () => {
    const raw = byId<Record<string, unknown>>(
      fixture("oqmd", "oqmdapi_formationenergy_data_rebuilt_matsciml_devset.json"),
      "name",
      "LaTlAu2",
    );
    const e = oqmd.normalise(raw, PAGE);
    expect(e.sourceId).toBe(String(raw["entry_id"]));
    expect(e.formula).toBe(reduced("LaTlAu2"));
    expect(e.spacegroupSymbol).toBe("Immm");
    expect(e.structure?.species).toHaveLength(24);
    expect(e.structure?.species.filter((s) => s === "Au")).toHaveLength(12);
    expect(e.structure?.fracCoords[1]).toEqual([0.5, 0.751, 0]);
    expect(Math.abs(det(e.structure!.lattice))).toBeCloseTo(raw["volume"] as number, 2);
    expect(prop(e, PropertyKey.FORMATION_ENERGY_PER_ATOM)).toMatchObject({
      value: raw["delta_e"],
      unit: "eV/atom",
      sourceUnit: "eV/atom",
    });
    expect(prop(e, PropertyKey.ENERGY_ABOVE_HULL)?.value).toBe(raw["stability"]);
    expect(prop(e, PropertyKey.BAND_GAP)).toMatchObject({ value: 0, unit: "eV" });
    expect(prop(e, PropertyKey.VOLUME_PER_ATOM)?.value).toBeCloseTo(581.337 / 24, 10);
  });

  it("OQMD: a null band gap (recorded) lands without that property; the docs example has no structure", () => {
    const devset = fixture("oqmd", "oqmdapi_formationenergy_data_rebuilt_matsciml_devset.json");
    const nullGap = devset.find((r) => (r as Record<string, unknown>)["band_gap"] === null);
    const e = oqmd.normalise(nullGap, PAGE);
    expect(prop(e, PropertyKey.BAND_GAP)).toBeUndefined();
    expect(prop(e, PropertyKey.FORMATION_ENERGY_PER_ATOM)).toBeDefined();
    const docs = oqmd.normalise(fixture("oqmd", "oqmdapi_formationenergy_docs_example_AlFeO.json")[0], PAGE);
    expect(docs).toMatchObject({ sourceId: "16974", formula: reduced("NaAlH2CO5"), spacegroupSymbol: "Imma" });
    expect(docs.structure).toBeUndefined();
    expect(prop(docs, PropertyKey.BAND_GAP)?.value).toBe(5.255);
  });

  it("MP summary: symmetry, formation energy, hull distance, density, volume per atom", () => {
    const raw = byId<Record<string, unknown>>(
      fixture("mp", "summary_search_unfiltered_page1.json"),
      "material_id",
      "mp-1006278",
    );
    const e = mp.normalise(raw, PAGE);
    expect(e).toMatchObject({
      sourceId: "mp-1006278",
      formula: reduced("AcEuAu2"),
      spacegroupNumber: 225,
      spacegroupSymbol: "Fm-3m",
    });
    expect(prop(e, PropertyKey.FORMATION_ENERGY_PER_ATOM)?.value).toBe(raw["formation_energy_per_atom"]);
    expect(prop(e, PropertyKey.ENERGY_ABOVE_HULL)).toMatchObject({ value: 0, unit: "eV/atom" });
    expect(prop(e, PropertyKey.DENSITY)).toMatchObject({ value: raw["density"], unit: "g/cm^3" });
    expect(prop(e, PropertyKey.VOLUME_PER_ATOM)?.value).toBeCloseTo((raw["volume"] as number) / 4, 12);
    expect(e.densityGPerCm3).toBe(raw["density"]);
  });

  it("MP legacy documents: pymatgen structure, nested band gap, K_VRH/G_VRH (GPa), absent keys stay absent", () => {
    const docs = fixture("mp", "legacy_materials_docs_mp-19_mp-20351_with_elasticity.json");
    const te = mp.normalise(byId(docs, "task_id", "mp-19"), PAGE);
    const raw = byId<{ elasticity: Record<string, number>; structure: { sites: unknown[] } }>(docs, "task_id", "mp-19");
    expect(te.formula).toBe(reduced("Te"));
    expect(te.structure?.species).toHaveLength(raw.structure.sites.length);
    expect(prop(te, PropertyKey.BULK_MODULUS_VRH)).toMatchObject({
      value: raw.elasticity["K_VRH"],
      unit: "GPa",
      method: "VRH",
    });
    expect(prop(te, PropertyKey.SHEAR_MODULUS_VRH)?.value).toBe(raw.elasticity["G_VRH"]);
    const propnet = fixture("mp", "legacy_materials_docs_propnet_subset.json");
    const si = mp.normalise(byId(propnet, "task_id", "mp-149"), PAGE);
    expect(prop(si, PropertyKey.BAND_GAP)?.value).toBeCloseTo(0.6119, 10);
    expect(prop(si, PropertyKey.BULK_MODULUS_VRH)).toBeUndefined(); // elasticity without K_VRH
    expect(prop(si, PropertyKey.MAGNETIC_MOMENT)).toMatchObject({ value: 0, unit: "μB/atom" });
    const casn = mp.normalise(byId(propnet, "task_id", "mp-1100377"), PAGE);
    expect(prop(casn, PropertyKey.ENERGY_ABOVE_HULL)).toBeUndefined();
    expect(prop(casn, PropertyKey.FORMATION_ENERGY_PER_ATOM)).toBeUndefined();
  });

  it("MP next-gen {voigt, reuss, vrh} moduli and nulls — record built from the documented schema (no recording has them)", () => {
    const e = mp.normalise(
      {
        material_id: "mp-149",
        formula_pretty: "Si",
        nsites: 2,
        volume: 40.888,
        bulk_modulus: { voigt: 88.3, reuss: 88.3, vrh: 88.3 },
        shear_modulus: { voigt: 66.2, reuss: 61.1, vrh: 63.65 },
        band_gap: null,
        total_magnetization: 0.5,
      },
      PAGE,
    );
    expect(prop(e, PropertyKey.BULK_MODULUS_VRH)?.value).toBe(88.3);
    expect(prop(e, PropertyKey.SHEAR_MODULUS_VRH)?.value).toBe(63.65);
    expect(prop(e, PropertyKey.BAND_GAP)).toBeUndefined();
    expect(prop(e, PropertyKey.MAGNETIC_MOMENT)?.value).toBe(0.25);
  });

  it("AFLOW aflowlib entry: geometry + positions into a cell, AEL/AGL values with methods, units and 300 K", () => {
    const raw = fixture("aflow", "aflowlib_entries_ael_agl_propnet_aflow_store.json")[0] as Record<
      string,
      string | null
    >;
    const e = aflow.normalise(raw, PAGE);
    expect(e).toMatchObject({ sourceId: "aflow:0132ab6b9cddd429", formula: reduced("YbPb3"), spacegroupNumber: 221 });
    const geometry = String(raw["geometry"]).split(",").map(Number);
    const lengths = e.structure!.lattice.map((v) => Math.hypot(...v));
    lengths.forEach((l, i) => expect(l).toBeCloseTo(geometry[i]!, 6));
    expect(e.structure!.species.filter((s) => s === "Pb")).toHaveLength(3);
    expect(prop(e, PropertyKey.BULK_MODULUS_VRH, "AEL")).toMatchObject({
      value: 25.6389,
      unit: "GPa",
      sourceValue: 25.6389,
    });
    expect(prop(e, PropertyKey.SHEAR_MODULUS_VRH, "AEL")?.value).toBe(18.7323);
    expect(prop(e, PropertyKey.POISSON_RATIO, "AEL")?.value).toBe(0.206234);
    expect(prop(e, PropertyKey.THERMAL_CONDUCTIVITY, "AGL")).toMatchObject({
      value: 2.73178,
      unit: "W/m/K",
      temperatureK: 300,
    });
    expect(prop(e, PropertyKey.THERMAL_EXPANSION, "AGL")).toMatchObject({
      value: 7.88337e-5,
      unit: "1/K",
      temperatureK: 300,
    });
    expect(prop(e, PropertyKey.DEBYE_TEMPERATURE, "AGL")).toMatchObject({ value: 165.058, unit: "K" });
    // enthalpy_formation_atom is null in this record: no formation energy.
    expect(prop(e, PropertyKey.FORMATION_ENERGY_PER_ATOM)).toBeUndefined();
    const re = aflow.normalise(fixture("aflow", "aflowlib_entries_ael_agl_propnet_aflow_store.json")[2], PAGE);
    expect(re.properties.filter((p) => p.method === "AEL" || p.method === "AGL")).toEqual([]);
  });

  it("AFLOW AFLUX page records (numbers as strings) and the ICSD entry (JSON numbers, sg2 symbol)", () => {
    const page = fixture("aflow", "aflux_egap_tc300K_page1.json");
    const be = aflow.normalise(page[0], PAGE);
    expect(be).toMatchObject({ sourceId: "aflow:db1f17a6f945c29b", formula: reduced("BeO") });
    expect(prop(be, PropertyKey.BAND_GAP)?.value).toBe(6.8531);
    expect(prop(be, PropertyKey.THERMAL_CONDUCTIVITY)?.value).toBe(83.0737);
    expect(be.structure).toBeUndefined();
    const ac = aflow.normalise(fixture("aflow", "aflowlib_icsd_example.json")[0], PAGE);
    expect(ac).toMatchObject({
      formula: reduced("AcBr3"),
      spacegroupNumber: 176,
      spacegroupSymbol: "P6_3/m",
      volumeAngstrom3: 278.353,
    });
    expect(ac.structure!.species).toEqual(["Ac", "Ac", "Br", "Br", "Br", "Br", "Br", "Br"]);
    expect(Math.abs(det(ac.structure!.lattice))).toBeCloseTo(278.353, 1);
    expect(prop(ac, PropertyKey.FORMATION_ENERGY_PER_ATOM)?.value).toBe(-2.13553);
    expect(prop(ac, PropertyKey.TOTAL_ENERGY_PER_ATOM)?.value).toBe(-4.35149);
  });

  it("JARVIS dft_3d rows: atoms, OptB88vdW/TBmBJ gaps, Voigt moduli kept apart from VRH, exfoliation (meV/atom)", () => {
    const raw = byId<Record<string, number>>(
      fixture("jarvis", "dft_3d_rebuilt_from_leaderboard_benchmarks.json"),
      "jid",
      "JVASP-572",
    );
    const e = jarvis.normalise(raw, PAGE);
    expect(e).toMatchObject({ sourceId: "JVASP-572", formula: reduced("VS2"), functional: "OptB88vdW" });
    expect(e.structure!.species).toEqual(["V", "S", "S"]);
    expect(prop(e, PropertyKey.BAND_GAP, "OptB88vdW")?.value).toBe(0);
    expect(prop(e, PropertyKey.BAND_GAP, "TBmBJ")?.value).toBe(0);
    expect(prop(e, PropertyKey.BULK_MODULUS_VRH)).toMatchObject({ value: 56.66, method: "Voigt", unit: "GPa" });
    expect(prop(e, PropertyKey.EXFOLIATION_ENERGY)).toMatchObject({ value: 86.28, unit: "meV/atom" });
    expect(prop(e, PropertyKey.ENERGY_ABOVE_HULL)?.value).toBe(raw["ehull"]);
    expect(prop(e, PropertyKey.MAGNETIC_MOMENT)?.value).toBeCloseTo(0.003 / 3, 12);
  });

  it('JARVIS: the recorded "na" strings mean missing; rows without atoms keep formula and space group', () => {
    const rows = fixture("jarvis", "dft_3d_partial_columns_with_na_from_notebook_display.json");
    const la = jarvis.normalise(rows[0], PAGE);
    expect(la).toMatchObject({
      sourceId: "JVASP-92796",
      formula: reduced("La2O3"),
      spacegroupNumber: 221,
      densityGPerCm3: 5.674,
    });
    expect(la.structure).toBeUndefined();
    for (const key of [PropertyKey.BULK_MODULUS_VRH, PropertyKey.SHEAR_MODULUS_VRH, PropertyKey.POISSON_RATIO]) {
      expect(prop(la, key)).toBeUndefined();
    }
    expect(prop(la, PropertyKey.BAND_GAP, "TBmBJ")).toBeUndefined();
    expect(prop(la, PropertyKey.BAND_GAP, "OptB88vdW")?.value).toBe(0.839);
    expect(prop(la, PropertyKey.FORMATION_ENERGY_PER_ATOM)?.value).toBe(-2.79167);
  });

  it("JARVIS Cartesian coordinates — record built from the documented schema (atoms.cartesian: true is not recorded)", () => {
    const e = jarvis.normalise(
      {
        jid: "JVASP-test",
        atoms: {
          lattice_mat: [
            [4, 0, 0],
            [0, 5, 0],
            [0, 0, 6],
          ],
          coords: [
            [0, 0, 0],
            [2, 2.5, 3],
          ],
          elements: ["Na", "Cl"],
          cartesian: true,
        },
        bulk_modulus_kv: "na",
      },
      PAGE,
    );
    expect(e.structure!.fracCoords[1]!.map((x) => +x.toFixed(12))).toEqual([0.5, 0.5, 0.5]);
    expect(e.formula).toBe(reduced("NaCl"));
  });

  it("OPTIMADE: Cartesian sites into fractional ones, ids under provider and database, non-periodic kept structureless", () => {
    const records = fixture("optimade", "mcloud_optimade-sample_structures_page1.json");
    const raw = records[0] as { attributes: { lattice_vectors: number[][]; cartesian_site_positions: number[][] } };
    const e = optimade.normalise(raw, PAGE);
    expect(e.sourceId).toBe("mcloud:optimade-sample:1151");
    expect(e.formula).toBe(reduced("C"));
    const l = raw.attributes.lattice_vectors;
    e.structure!.fracCoords.forEach((f, i) => {
      const back = [0, 1, 2].map((k) => f[0]! * l[0]![k]! + f[1]! * l[1]![k]! + f[2]! * l[2]![k]!);
      back.forEach((x, k) => expect(x).toBeCloseTo(raw.attributes.cartesian_site_positions[i]![k]!, 9));
    });
    const flat = optimade.normalise(fixture("optimade", "mcloud_2dstructures_structures_page1.json")[0], PAGE);
    expect(flat.formula).toBe(reduced("Te"));
    expect(flat.structure).toBeUndefined();
  });

  it("bad records fail with the field named: wrong types, unknown elements, missing ids", () => {
    const good = fixture("oqmd", "oqmdapi_formationenergy_data_rebuilt_matsciml_devset.json")[0] as Record<
      string,
      unknown
    >;
    expect(() => oqmd.normalise({ ...good, delta_e: "minus one" }, PAGE)).toThrow(/field delta_e: expected a number/);
    expect(() => oqmd.normalise({ ...good, sites: ["Xx @ 0 0 0"], natoms: 1 }, PAGE)).toThrow(/unknown element "Xx"/);
    expect(() => oqmd.normalise({ ...good, entry_id: null }, PAGE)).toThrow(RecordError);
    expect(() =>
      oqmd.normalise(
        {
          ...good,
          unit_cell: [
            [1, 0, 0],
            [0, 1, 0],
          ],
        },
        PAGE,
      ),
    ).toThrow(/3×3/);
    expect(() => jarvis.normalise({ jid: "JVASP-1", formula: "Qq2O3" }, PAGE)).toThrow(/Qq2O3/);
    expect(() => jarvis.normalise({ jid: "JVASP-1", formula: "La2O3", ehull: [1] }, PAGE)).toThrow(/field ehull/);
    expect(() => mp.normalise({ formula_pretty: "Si" }, PAGE)).toThrow(/material_id is missing/);
  });
});
