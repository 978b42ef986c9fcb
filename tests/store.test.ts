import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MaterialEntity } from "../src/store/entities";
import { openTestStore, STORE_KIND, type TestStore } from "./support/test-store";

describe(`store on ${STORE_KIND}`, () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(async () => {
    await store?.close();
  });

  it("applies the migrations and nothing is pending", async () => {
    const applied = await store.dataSource.query(`SELECT name FROM migrations`);
    expect(applied.map((r: { name: string }) => r.name)).toContain("InitialSchema1764000000000");
    expect(await store.dataSource.showMigrations()).toBe(false);
  });

  it("compares the ingest's identifier columns by bytes, and compresses entries with lz4 where the server has it", async () => {
    const columns: Array<{ table_name: string; column_name: string; collation_name: string | null }> =
      await store.dataSource.query(
        `SELECT table_name, column_name, collation_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND (table_name, column_name) IN
           (('entries', 'source'), ('entries', 'source_id'), ('properties', 'source'), ('properties', 'key'),
            ('properties', 'method'))
         ORDER BY 1, 2`,
      );
    expect(columns.map((c) => `${c.table_name}.${c.column_name} ${c.collation_name}`)).toEqual([
      "entries.source C",
      "entries.source_id C",
      "properties.key C",
      "properties.method C",
      "properties.source C",
    ]);

    const lz4 = await store.dataSource.transaction(async (manager) => {
      await manager.query(`CREATE TEMP TABLE lz4_probe (j json) ON COMMIT DROP; SAVEPOINT probe`);
      const supported = await manager.query(`ALTER TABLE lz4_probe ALTER COLUMN j SET COMPRESSION lz4`).then(
        () => true,
        () => false,
      );
      if (!supported) await manager.query(`ROLLBACK TO SAVEPOINT probe`);
      return supported;
    });
    const compression: Array<{ attname: string; attcompression: string }> = await store.dataSource.query(
      `SELECT attname, attcompression FROM pg_attribute
       WHERE attrelid = 'entries'::regclass AND attname IN ('raw', 'frac_coords', 'lattice', 'species') ORDER BY 1`,
    );
    expect(compression.map((c) => c.attcompression)).toEqual(Array(4).fill(lz4 ? "l" : ""));
  });

  it("enforces one material per reduced formula", async () => {
    const repo = store.dataSource.getRepository(MaterialEntity);
    await repo.insert({
      formula: "Fe2O3",
      elements: ["Fe", "O"],
      nelements: 2,
      chemsys: "Fe-O",
      formulaAnonymous: "A3B2",
    });
    await expect(
      repo.insert({ formula: "Fe2O3", elements: ["Fe", "O"], nelements: 2, chemsys: "Fe-O", formulaAnonymous: "A3B2" }),
    ).rejects.toThrow(/duplicate key/);
    const found = await repo.findOneByOrFail({ formula: "Fe2O3" });
    expect(found.elements).toEqual(["Fe", "O"]);
  });

  it("rejects an unknown source", async () => {
    const [material] = await store.dataSource.query(`SELECT id FROM materials LIMIT 1`);
    await expect(
      store.dataSource.query(`INSERT INTO entries (source, source_id, material_id) VALUES ('NOPE', 'x', $1)`, [
        material.id,
      ]),
    ).rejects.toThrow(/check constraint/);
  });
});
