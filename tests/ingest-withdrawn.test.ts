import { describe, expect, it } from "vitest";
import { PropertyKey } from "../src/domain/property-key";
import { Source } from "../src/domain/source";
import { runIngest } from "../src/ingest";
import type { Cursor, SourceAdapter, SourcePage } from "../src/ingest/source-adapter";
import type { CanonicalEntry } from "../src/services/canonical-entry";
import { storeEmptiedForEachTest } from "./ingest/support/ingest-fixtures";
import { STORE_KIND, type TestStore } from "./support/test-store";

/**
 * Withdrawal after a complete run: the run lists only the ids the store already held
 * (ingest_run_seen); the entries it inserts count as seen because they are newer than
 * the run. So a run withdraws exactly the older ids it did not read — never its own new
 * entries, also not across batches or after a resume — and leaves no seen rows behind.
 */
function listing(ids: readonly string[], pageSize = 2): SourceAdapter {
  return {
    source: Source.USER,
    kind: "dump",
    target: "withdraw-test",
    isFullListing: true,
    async *pages(from: Cursor | null): AsyncGenerator<SourcePage> {
      for (let at = typeof from === "number" ? from : 0; at < ids.length; at += pageSize) {
        const next = at + pageSize < ids.length ? at + pageSize : null;
        yield { records: ids.slice(at, at + pageSize).map((id) => ({ id })), next };
      }
    },
    normalise(raw: unknown): CanonicalEntry {
      const id = (raw as { id: string }).id;
      return {
        source: Source.USER,
        sourceId: id,
        formula: "NaCl",
        raw,
        properties: [{ key: PropertyKey.BAND_GAP, value: 1, unit: "eV" }],
      };
    },
    idOf: (raw) => (raw as { id?: string }).id,
    withdrawScope: () => "",
  };
}

describe(`withdrawn entries on ${STORE_KIND}`, () => {
  let store: TestStore;
  storeEmptiedForEachTest((opened) => (store = opened));

  const withdrawn = async (): Promise<string[]> =>
    (
      (await store.dataSource.query(
        `SELECT source_id FROM entries WHERE withdrawn_at IS NOT NULL ORDER BY source_id`,
      )) as Array<{ source_id: string }>
    ).map((r) => r.source_id);

  it("a complete run withdraws the older ids it did not read, not its own new entries", async () => {
    const first = await runIngest(store.dataSource, listing(["a", "b", "c", "d", "e"]), { batchSize: 2 });
    expect(first).toMatchObject({ inserted: 5, withdrawn: 0 });
    expect(await withdrawn()).toEqual([]);

    const second = await runIngest(store.dataSource, listing(["b", "x", "d", "y", "z"]), { batchSize: 2 });
    expect(second).toMatchObject({ inserted: 3, unchanged: 2, withdrawn: 3 });
    expect(await withdrawn()).toEqual(["a", "c", "e"]);

    // An id back in the listing is current again; one missing now goes.
    const third = await runIngest(store.dataSource, listing(["a", "b", "x", "y", "z"]), { batchSize: 3 });
    expect(third).toMatchObject({ inserted: 0, updated: 1, withdrawn: 1 });
    expect(await withdrawn()).toEqual(["c", "d", "e"]);

    const [{ n }] = await store.dataSource.query(`SELECT count(*)::int AS n FROM ingest_run_seen`);
    expect(n).toBe(0);
  });

  it("a resumed run counts the entries its first attempt inserted as seen", async () => {
    await runIngest(store.dataSource, listing(["old1", "old2"]));
    const ids = ["old2", "n1", "n2", "n3", "n4"];
    const failing = listing(ids);
    const pages = failing.pages.bind(failing);
    failing.pages = async function* (from: Cursor | null) {
      let served = 0;
      for await (const page of pages(from)) {
        if (served++ === 2) throw new Error("connection lost");
        yield page;
      }
    };
    await expect(runIngest(store.dataSource, failing, { batchSize: 2 })).rejects.toThrow("connection lost");
    const resumed = await runIngest(store.dataSource, listing(ids), { batchSize: 2, resume: true });
    expect(resumed).toMatchObject({ resumed: true, fetched: 5, withdrawn: 1 });
    expect(await withdrawn()).toEqual(["old1"]);
  });
});
