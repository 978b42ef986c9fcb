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

  it("enforces one material per reduced formula", async () => {
    const repo = store.dataSource.getRepository(MaterialEntity);
    await repo.insert({ formula: "Fe2O3", elements: ["Fe", "O"], nelements: 2, chemsys: "Fe-O", formulaAnonymous: "A3B2" });
    await expect(
      repo.insert({ formula: "Fe2O3", elements: ["Fe", "O"], nelements: 2, chemsys: "Fe-O", formulaAnonymous: "A3B2" }),
    ).rejects.toThrow(/duplicate key/);
    const found = await repo.findOneByOrFail({ formula: "Fe2O3" });
    expect(found.elements).toEqual(["Fe", "O"]);
  });

  it("rejects an unknown source", async () => {
    const [material] = await store.dataSource.query(`SELECT id FROM materials LIMIT 1`);
    await expect(
      store.dataSource.query(`INSERT INTO entries (source, source_id, material_id) VALUES ('NOPE', 'x', $1)`, [material.id]),
    ).rejects.toThrow(/check constraint/);
  });
});
