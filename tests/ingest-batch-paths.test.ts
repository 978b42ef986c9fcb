import { describe, expect, it } from "vitest";
import { PropertyKey } from "../src/domain/property-key";
import { Source } from "../src/domain/source";
import type { CanonicalEntry, WriteSummary } from "../src/services/canonical-entry";
import { writeEntries } from "../src/services/entry-writer";
import { orphanProperties, storeEmptiedForEachTest } from "./ingest/support/ingest-fixtures";
import { STORE_KIND, type TestStore } from "./support/test-store";

/**
 * The ingest writer takes shortcuts on a batch: new entries and their properties are
 * copied in (real PostgreSQL), and the per-row foreign-key triggers are off while the
 * batch's own statements run (superuser connections). These tests hold it to what the
 * constraints and the upsert guarantee: a batch mixing new, unchanged, changed and
 * moved entries lands with history and every key intact; the triggers are back on for
 * whatever follows in the same transaction; and a writer that loses a race for an id
 * to a concurrent transaction neither fails nor duplicates the entry.
 */
function entry(sourceId: string, formula: string, gapEv: number, extra: Partial<CanonicalEntry> = {}): CanonicalEntry {
  return {
    source: Source.USER,
    sourceId,
    formula,
    structure: {
      lattice: [
        [4, 0, 0],
        [0, 4, 0],
        [0, 0, 4],
      ],
      fracCoords: [
        [0, 0, 0],
        [0.5, 0.5, 0.5],
      ],
      species: formula === "NaCl" ? ["Na", "Cl"] : ["Cs", "Cl"],
    },
    raw: { id: sourceId, gap: gapEv, note: "tab\there, back\\slash, newline\nthere" },
    properties: [
      { key: PropertyKey.BAND_GAP, value: gapEv, unit: "eV", sourceValue: gapEv, sourceUnit: "eV" },
      { key: PropertyKey.FORMATION_ENERGY_PER_ATOM, value: -gapEv / 10, unit: "eV/atom" },
    ],
    ...extra,
  };
}

/** Properties whose (entry, material) pair has no entry: what the foreign key forbids. */
describe(`ingest batch paths on ${STORE_KIND}`, () => {
  let store: TestStore;
  storeEmptiedForEachTest((opened) => (store = opened));

  it("a batch of new, unchanged, changed, moved and thinned entries keeps history and every key", async () => {
    const write = (batch: CanonicalEntry[]) =>
      store.dataSource.transaction((m) => writeEntries(m, batch, { runId: undefined, replaceProperties: true }));
    expect(
      await write([entry("a", "NaCl", 1), entry("b", "NaCl", 2), entry("c", "NaCl", 3), entry("d", "NaCl", 4)]),
    ).toEqual({ inserted: 4, updated: 0, unchanged: 0 });

    const thinned = entry("d", "NaCl", 4);
    const summary = await write([
      entry("a", "NaCl", 1), // unchanged
      entry("b", "NaCl", 2.5), // a changed value
      entry("c", "CsCl", 3), // moved to another material
      { ...thinned, properties: thinned.properties.slice(0, 1) }, // one property vanished
      entry("e", "CsCl", 5), // new
    ]);
    expect(summary).toEqual({ inserted: 1, updated: 3, unchanged: 1 });

    const rows: Array<{ source_id: string; formula: string; keys: string[]; gap: number; raw: unknown }> =
      await store.dataSource.query(
        `SELECT e.source_id, m.formula, array_agg(p.key ORDER BY p.key) AS keys,
                max(p.value) FILTER (WHERE p.key = 'BAND_GAP') AS gap, e.raw
         FROM entries e JOIN materials m ON m.id = e.material_id JOIN properties p ON p.entry_id = e.id
         GROUP BY e.id, m.formula ORDER BY e.source_id`,
      );
    expect(rows.map((r) => [r.source_id, r.formula, r.keys.length, r.gap])).toEqual([
      ["a", "ClNa", 2, 1],
      ["b", "ClNa", 2, 2.5],
      ["c", "ClCs", 2, 3],
      ["d", "ClNa", 1, 4],
      ["e", "ClCs", 2, 5],
    ]);
    expect(rows[4]!.raw).toEqual(entry("e", "CsCl", 5).raw);
    expect(await orphanProperties(store.dataSource)).toBe(0);

    const history: Array<{ source_id: string; key: string; value: number; new_value: number | null }> =
      await store.dataSource.query(
        `SELECT e.source_id, h.key, h.value, h.new_value FROM property_history h JOIN entries e ON e.id = h.entry_id
         ORDER BY e.source_id, h.key`,
      );
    expect(history).toEqual([
      { source_id: "b", key: "BAND_GAP", value: 2, new_value: 2.5 },
      { source_id: "b", key: "FORMATION_ENERGY_PER_ATOM", value: -0.2, new_value: -0.25 },
      { source_id: "d", key: "FORMATION_ENERGY_PER_ATOM", value: -0.4, new_value: null },
    ]);
    const [{ polymorphless }] = await store.dataSource.query(
      `SELECT count(*)::int AS polymorphless FROM entries e LEFT JOIN polymorphs p ON p.id = e.polymorph_id
       WHERE p.id IS NULL OR p.material_id <> e.material_id`,
    );
    expect(polymorphless).toBe(0);
  });

  it("a batch guessed to be all new that holds a stored entry is written again, down the path that asks", async () => {
    const write = (batch: CanonicalEntry[]) =>
      store.dataSource.transaction((m) => writeEntries(m, batch, { replaceProperties: true, expectNew: true }));
    expect(await write([entry("a", "NaCl", 1), entry("b", "KCl", 2)])).toEqual({
      inserted: 2,
      updated: 0,
      unchanged: 0,
    });
    // On PostgreSQL the guess fails the copy on "a"; the batch is rolled back (KBr included) and written again.
    expect(await write([entry("c", "KBr", 3), entry("a", "NaCl", 1), entry("b", "KCl", 2.5)])).toEqual({
      inserted: 1,
      updated: 1,
      unchanged: 1,
    });
    const rows: Array<{ source_id: string; formula: string }> = await store.dataSource.query(
      `SELECT e.source_id, m.formula FROM entries e JOIN materials m ON m.id = e.material_id ORDER BY e.source_id`,
    );
    expect(rows).toEqual([
      { source_id: "a", formula: "ClNa" },
      { source_id: "b", formula: "ClK" },
      { source_id: "c", formula: "BrK" },
    ]);
    const [{ materials }] = await store.dataSource.query(`SELECT count(*)::int AS materials FROM materials`);
    expect(materials).toBe(3);
    expect(await orphanProperties(store.dataSource)).toBe(0);
  });

  it("the foreign keys are checked again for the rest of the writer's transaction", async () => {
    // onlyRunFollows leaves them off only for a run's own bookkeeping: without a run it changes nothing.
    const attempt = store.dataSource.transaction(async (m) => {
      await writeEntries(m, [entry("a", "NaCl", 1)], { replaceProperties: true, onlyRunFollows: true });
      await m.query(
        `INSERT INTO properties (entry_id, material_id, source, key, value, unit)
         VALUES (987654, 987654, 'USER', 'BAND_GAP', 1, 'eV')`,
      );
    });
    await expect(attempt).rejects.toThrow(/foreign key/);
    const [{ n }] = await store.dataSource.query(`SELECT count(*)::int AS n FROM entries`);
    expect(n).toBe(0);
  });

  it("an id a concurrent transaction inserts first is upserted, not duplicated and not an error", async () => {
    // The material and its polymorph exist already, so that the two writers meet only at the entry.
    await store.dataSource.transaction((m) => writeEntries(m, [entry("seed", "NaCl", 1)], { replaceProperties: true }));
    // The second writer cannot see the uncommitted "x": on PostgreSQL its copy of "x" waits
    // on the unique key until the first commits, then fails and the batch takes the upsert.
    const second = await writeBehindOpenWriter(
      store,
      [entry("x", "NaCl", 1)],
      [entry("x", "NaCl", 1), entry("y", "NaCl", 2)],
    );
    expect(second).toEqual({ inserted: 1, updated: 0, unchanged: 1 });
    const ids: Array<{ source_id: string }> = await store.dataSource.query(
      `SELECT source_id FROM entries ORDER BY source_id`,
    );
    expect(ids.map((r) => r.source_id)).toEqual(["seed", "x", "y"]);
    const [{ n }] = await store.dataSource.query(`SELECT count(*)::int AS n FROM properties`);
    expect(n).toBe(6);
    expect(await orphanProperties(store.dataSource)).toBe(0);
  });

  it("a new material a concurrent transaction inserts first is shared, not duplicated and not an error", async () => {
    const bromide = (id: string) => entry(id, "KBr", 3, { structure: undefined });
    // The second writer's insert of KBr waits on the first's uncommitted row and then skips it; the row
    // is not in that statement's snapshot, so a second statement has to find it.
    const second = await writeBehindOpenWriter(store, [bromide("k1")], [bromide("k2")]);
    expect(second).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    const rows: Array<{ source_id: string; material_id: number }> = await store.dataSource.query(
      `SELECT e.source_id, e.material_id FROM entries e JOIN materials m ON m.id = e.material_id
       WHERE m.formula = 'BrK' ORDER BY e.source_id`,
    );
    expect(rows.map((r) => r.source_id)).toEqual(["k1", "k2"]);
    expect(rows[0]!.material_id).toBe(rows[1]!.material_id);
    expect(await orphanProperties(store.dataSource)).toBe(0);
  });

  it.skipIf(STORE_KIND !== "postgresql")(
    "while a batch's transaction is open, the material, polymorph and run it refers to cannot be deleted (PostgreSQL only: the embedded store runs one transaction at a time)",
    async () => {
      await store.dataSource.transaction((m) =>
        writeEntries(m, [entry("seed", "NaCl", 1)], { replaceProperties: true }),
      );
      const [{ material_id: materialId, polymorph_id: polymorphId }] = await store.dataSource.query(
        `SELECT material_id, polymorph_id FROM entries WHERE source_id = 'seed'`,
      );
      const [{ id: runId }] = await store.dataSource.query(
        `INSERT INTO ingest_runs (source, kind, target, options) VALUES ('USER', 'api', 'locks', '{}') RETURNING id`,
      );
      const writer = store.dataSource.createQueryRunner();
      const other = store.dataSource.createQueryRunner();
      await writer.connect();
      await other.connect();
      try {
        await writer.startTransaction();
        // The triggers that would lock these rows are off for the batch (a superuser connection).
        await writeEntries(writer.manager, [entry("x", "NaCl", 2)], {
          runId,
          replaceProperties: true,
          expectNew: true,
        });
        await other.query(`SET lock_timeout = '300ms'`);
        const deleting = (sql: string) =>
          other.query(sql).then(
            () => "deleted",
            (error: { code?: string }) => error.code,
          );
        // 55P03: waited for the writer's lock and gave up (unlocked, the first two would fail on
        // the committed seed entry's foreign key instead, 23503, and the run would be deleted).
        expect(await deleting(`DELETE FROM materials WHERE id = ${materialId}`)).toBe("55P03");
        expect(await deleting(`DELETE FROM polymorphs WHERE id = ${polymorphId}`)).toBe("55P03");
        expect(await deleting(`DELETE FROM ingest_runs WHERE id = ${runId}`)).toBe("55P03");
        await writer.commitTransaction();
      } finally {
        if (writer.isTransactionActive) await writer.rollbackTransaction();
        await writer.release();
        await other.release();
      }
      const [{ n }] = await store.dataSource.query(`SELECT count(*)::int AS n FROM entries`);
      expect(n).toBe(2);
    },
  );
});

/**
 * Writes `first` in a transaction left open, starts writing `second` in another, and
 * commits the first once the second waits on it (on PostgreSQL; the embedded store runs
 * one transaction at a time, so there the second simply waits). The second's summary.
 */
async function writeBehindOpenWriter(
  store: TestStore,
  first: CanonicalEntry[],
  second: CanonicalEntry[],
): Promise<WriteSummary> {
  const runner = store.dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    await writeEntries(runner.manager, first, { replaceProperties: true });
    const behind = store.dataSource.transaction((m) => writeEntries(m, second, { replaceProperties: true }));
    if (STORE_KIND === "postgresql") await waitForLockWait(store);
    await runner.commitTransaction();
    return await behind;
  } finally {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    await runner.release();
  }
}

/** Until some session of this database waits on a lock (the second writer on the first's row). */
async function waitForLockWait(store: TestStore): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [{ n }] = await store.dataSource.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the second writer never waited on the first one's row");
}
