import type { DataSource } from "typeorm";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { sharedData } from "../../support/shared-data";
import { openTestStore, type TestStore } from "../../support/test-store";
import { emptyData, fromArray, recordsOf, type ReplayData } from "./replay-server";

/** The recorded records of the shared fixtures (fixtures/<source>/<file>), loaded for replay. */
export function fixture(source: string, file: string): unknown[] {
  return recordsOf(sharedData("fixtures", source, file));
}

export function recordedData(): ReplayData {
  const data = emptyData();
  data.oqmd = fromArray(fixture("oqmd", "oqmdapi_formationenergy_data_rebuilt_matsciml_devset.json"));
  data.mp = fromArray([
    ...fixture("mp", "summary_search_unfiltered_page1.json"),
    ...fixture("mp", "summary_search_volume_0_10.json"),
  ]);
  data.aflux = fromArray([
    ...fixture("aflow", "aflux_egap_tc300K_page1.json"),
    ...fixture("aflow", "aflux_egap_tc300K_page2.json"),
  ]);
  const sample = "mcloud_optimade-sample_structures_page1.json";
  data.optimade.set("optimade-sample", {
    // The recorded page and the recorded single-entry response of the same database.
    records: fromArray([
      ...fixture("optimade", sample),
      ...fixture("optimade", "mcloud_optimade-sample_structures_single_1.json"),
    ]),
    meta: metaOf("optimade", sample),
  });
  data.jarvis.set("dft_3d", fromArray(fixture("jarvis", "dft_3d_rebuilt_from_leaderboard_benchmarks.json")));
  return data;
}

function metaOf(source: string, file: string): Record<string, unknown> {
  const body = JSON.parse(require("node:fs").readFileSync(sharedData("fixtures", source, file), "utf8")) as {
    meta: Record<string, unknown>;
  };
  return body.meta;
}

/** Empties every table ingestion writes, so each test starts from a clean store. */
export async function resetStore(dataSource: DataSource): Promise<void> {
  await dataSource.query(
    `TRUNCATE property_history, ingest_run_seen, polymorph_fingerprints, properties, entries, polymorphs, materials,
              ingest_runs RESTART IDENTITY CASCADE`,
  );
}

/**
 * Opens a test store for the enclosing describe block (handed to `opened`), empties it
 * before each test and closes it after the last.
 */
export function storeEmptiedForEachTest(opened: (store: TestStore) => void): void {
  let store: TestStore | undefined;
  beforeAll(async () => {
    store = await openTestStore();
    opened(store);
  });
  afterAll(async () => {
    await store?.close();
  });
  beforeEach(async () => {
    if (store) await resetStore(store.dataSource);
  });
}

/** Property rows whose (entry, material) pair names no entry: a writer that lost a key. */
export async function orphanProperties(dataSource: DataSource): Promise<number> {
  const [row]: Array<{ n: number }> = await dataSource.query(
    `SELECT count(*)::int AS n FROM properties p
     LEFT JOIN entries e ON e.id = p.entry_id AND e.material_id = p.material_id WHERE e.id IS NULL`,
  );
  return (row as { n: number }).n;
}

/** Every row ingestion produced, in a stable order, for comparing two stores or two moments. */
export async function snapshot(dataSource: DataSource): Promise<unknown[]> {
  const entries = await dataSource.query(
    `SELECT e.source, e.source_id, m.formula, e.spacegroup_symbol, e.spacegroup_number, e.lattice, e.frac_coords,
            e.species, e.volume, e.density, e.release, e.withdrawn_at IS NOT NULL AS withdrawn, e.raw
     FROM entries e JOIN materials m ON m.id = e.material_id ORDER BY e.source, e.source_id`,
  );
  const properties = await dataSource.query(
    `SELECT e.source, e.source_id, p.key, p.method, p.value, p.value_array, p.unit, p.source_value, p.source_unit,
            p.temperature_k
     FROM properties p JOIN entries e ON e.id = p.entry_id ORDER BY e.source, e.source_id, p.key, p.method`,
  );
  const materials = await dataSource.query(`SELECT formula, chemsys, nelements FROM materials ORDER BY formula`);
  return [entries, properties, materials];
}
