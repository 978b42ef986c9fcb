import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PropertyKey } from "../src/domain/property-key";
import { Source } from "../src/domain/source";
import { importCsv } from "../src/services/csv-import.service";
import { summariseSources } from "../src/services/source.service";
import { hasSharedFile, sharedData, SKIP_REASON } from "./support/shared-data";
import { openTestStore, STORE_KIND, type TestStore } from "./support/test-store";

const dir = mkdtempSync(path.join(tmpdir(), "matgraph-csv-"));
function csvFile(name: string, text: string): string {
  const folder = path.join(dir, name);
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, "train.csv");
  writeFileSync(file, text);
  return file;
}

async function count(store: TestStore, table: string): Promise<number> {
  const [row] = await store.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`);
  return row.n;
}

describe(`CSV import on ${STORE_KIND}`, () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(async () => {
    await store?.close();
  });

  const mixed = [
    "formula,target",
    "Fe2O3,210.5",
    "Xx2O3,100", // unknown element
    "NaCl,24.1",
    "Fe0.5Ni0.5,180",
    "Ca(OH)2,notanumber",
    "CuSO4·5H2O,30",
    "TiO2,210,extra",
    "NaCl,25.0", // a second NaCl: another polymorph, a separate entry
    "fe2o3,1", // lower-case symbols are not silently guessed
    "",
  ].join("\n");

  it("lands good rows, skips bad ones with their line numbers and reasons", async () => {
    const file = csvFile("mixed_bulk", mixed);
    const summary = await importCsv(store.dataSource, {
      file,
      source: Source.AFLOW,
      key: PropertyKey.BULK_MODULUS_VRH,
      method: "AEL",
    });
    expect(summary.rows).toBe(9);
    expect(summary.inserted).toBe(5);
    expect(summary.skipped.map((s) => s.id)).toEqual(["line 3", "line 6", "line 8", "line 10"]);
    expect(summary.skipped[0]?.reason).toContain('unknown element "Xx"');
    expect(summary.skipped[1]?.reason).toContain('"notanumber" is not a number');
    expect(summary.skipped[2]?.reason).toContain("expected 2 columns, found 3");
    expect(summary.skipped[3]?.reason).toContain("capital letter");

    expect(await count(store, "entries")).toBe(5);
    expect(await count(store, "materials")).toBe(4); // two NaCl rows share one material
    const rows = await store.dataSource.query(
      `SELECT m.formula, p.value, p.unit, p.source_value, p.source_unit, p.method, e.source_id
       FROM properties p JOIN entries e ON e.id = p.entry_id JOIN materials m ON m.id = p.material_id
       ORDER BY m.formula, p.value`,
    );
    expect(rows.map((r: { formula: string }) => r.formula)).toEqual(["ClNa", "ClNa", "CuH10O9S", "Fe2O3", "FeNi"]);
    expect(rows[3]).toMatchObject({
      value: 210.5,
      unit: "GPa",
      source_value: 210.5,
      source_unit: "GPa",
      method: "AEL",
    });
    expect(rows[0].source_id).toBe("mixed_bulk/train.csv:ClNa#0");
    expect(rows[1].source_id).toBe("mixed_bulk/train.csv:ClNa#1");
  });

  it("re-importing the same file changes nothing", async () => {
    const file = path.join(dir, "mixed_bulk", "train.csv");
    const before = await store.dataSource.query(
      `SELECT entry_id, key, value, updated_at FROM properties ORDER BY entry_id, key`,
    );
    const summary = await importCsv(store.dataSource, {
      file,
      source: Source.AFLOW,
      key: PropertyKey.BULK_MODULUS_VRH,
      method: "AEL",
    });
    expect(summary).toMatchObject({ inserted: 0, updated: 0, unchanged: 5 });
    const after = await store.dataSource.query(
      `SELECT entry_id, key, value, updated_at FROM properties ORDER BY entry_id, key`,
    );
    expect(after).toEqual(before);
  });

  it("a changed value updates its entry in place", async () => {
    const file = csvFile("mixed_bulk", mixed.replace("Fe2O3,210.5", "Fe2O3,211.5"));
    const summary = await importCsv(store.dataSource, {
      file,
      source: Source.AFLOW,
      key: PropertyKey.BULK_MODULUS_VRH,
      method: "AEL",
    });
    expect(summary).toMatchObject({ inserted: 0, updated: 1, unchanged: 4 });
    const [row] = await store.dataSource.query(
      `SELECT p.value FROM properties p JOIN materials m ON m.id = p.material_id WHERE m.formula = 'Fe2O3'`,
    );
    expect(row.value).toBe(211.5);
    expect(await count(store, "entries")).toBe(5);
  });

  it("converts the file's unit to the canonical one and keeps the original", async () => {
    const file = csvFile("mpa_values", "formula,target\nAl,76000\n");
    await importCsv(store.dataSource, { file, source: Source.USER, key: PropertyKey.BULK_MODULUS_VRH, unit: "MPa" });
    const [row] = await store.dataSource.query(
      `SELECT p.value, p.unit, p.source_value, p.source_unit FROM properties p WHERE p.source = 'USER'`,
    );
    expect(row).toEqual({ value: 76, unit: "GPa", source_value: 76000, source_unit: "MPa" });
  });

  it("refuses a unit of the wrong dimension before reading any row", async () => {
    const file = csvFile("wrong_unit", "formula,target\nAl,76\n");
    await expect(
      importCsv(store.dataSource, { file, source: Source.USER, key: PropertyKey.BULK_MODULUS_VRH, unit: "eV/atom" }),
    ).rejects.toThrow(/unit "eV\/atom" measures energyPerAtom, not pressure/);
  });

  it("refuses a file without a formula header", async () => {
    const file = csvFile("no_header", "Fe2O3,1\nNaCl,2\n");
    await expect(importCsv(store.dataSource, { file, source: Source.USER, key: PropertyKey.BAND_GAP })).rejects.toThrow(
      /header naming a "formula" column/,
    );
    const [run] = await store.dataSource.query(`SELECT status, error FROM ingest_runs ORDER BY id DESC LIMIT 1`);
    expect(run.status).toBe("failed");
  });

  it("records runs, so sources report counts and the last ingest", async () => {
    const sources = await summariseSources(store.dataSource);
    const aflow = sources.find((s) => s.source === Source.AFLOW);
    expect(aflow?.entryCount).toBe(5);
    expect(aflow?.lastIngestAt).toBeInstanceOf(Date);
    expect(sources.find((s) => s.source === Source.OQMD)).toMatchObject({ entryCount: 0, lastIngestAt: null });
  });

  const realFile = ["benchmarks", "crabnet", "aflow__ael_shear_modulus_vrh", "train.csv"] as const;
  it.skipIf(!hasSharedFile(...realFile))(
    `imports the real AFLOW shear-modulus benchmark file${SKIP_REASON}`,
    async () => {
      const summary = await importCsv(store.dataSource, {
        file: sharedData(...realFile),
        source: Source.AFLOW,
        key: PropertyKey.SHEAR_MODULUS_VRH,
        method: "AEL",
      });
      expect(summary.rows).toBe(3428);
      expect(summary.skipped).toEqual([]);
      expect(summary.inserted).toBe(3428);
      const [stats] = await store.dataSource.query(
        `SELECT count(*)::int AS n, min(value) AS lo, max(value) AS hi FROM properties WHERE key = 'SHEAR_MODULUS_VRH'`,
      );
      expect(stats.n).toBe(3428);
      expect(stats.lo).toBeGreaterThanOrEqual(0);
      expect(stats.hi).toBeLessThan(1000);
    },
  );
});
