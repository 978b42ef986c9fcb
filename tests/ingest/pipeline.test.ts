import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PropertyKey } from "../../src/domain/property-key";
import { createAdapter, runIngest } from "../../src/ingest";
import type { AdapterOptions } from "../../src/ingest/adapter-options";
import { FetchError } from "../../src/ingest/ingest.errors";
import { hasSharedData, SKIP_REASON } from "../support/shared-data";
import { openTestStore, type TestStore } from "../support/test-store";
import { fixture, recordedData, resetStore, snapshot } from "./support/ingest-fixtures";
import { fromArray, startReplayServer, type ReplayServer } from "./support/replay-server";

/**
 * The shared pipeline end to end: recorded records served by a loopback server with
 * faults injected, through the adapters, into the real store.
 */
const FAST: AdapterOptions["http"] = { backoffBaseMs: 5, maxRetries: 4, requestsPerSecond: 10_000 };
const devset = () =>
  fixture("oqmd", "oqmdapi_formationenergy_data_rebuilt_matsciml_devset.json") as Array<Record<string, unknown>>;

describe.skipIf(!hasSharedData)("ingest pipeline" + SKIP_REASON, () => {
  let store: TestStore;
  let server: ReplayServer;
  const oqmd = (extra: AdapterOptions = {}) =>
    createAdapter("oqmd", { baseUrl: server.url, pageSize: 7, http: FAST, ...extra });

  beforeAll(async () => {
    store = await openTestStore();
    server = await startReplayServer(recordedData());
  });
  afterAll(async () => {
    await server.close();
    await store.close();
  });
  beforeEach(async () => {
    server.clearFaults();
    server.data.oqmd = fromArray(devset());
    await resetStore(store.dataSource);
  });

  it("OQMD: 29 pages through 429, 500, a reset and a truncated body; every entry, value and unit lands", async () => {
    const isPage = (offset: number) => (p: string) =>
      p.startsWith("/oqmdapi/formationenergy") && p.includes(`offset=${offset}&`);
    server.inject(isPage(21), { kind: "429", retryAfter: 0 });
    server.inject(isPage(56), { kind: "500" });
    server.inject(isPage(91), { kind: "reset" });
    server.inject(isPage(140), { kind: "truncate" });
    const before = server.requests.length;
    const summary = await runIngest(store.dataSource, oqmd(), { batchSize: 50 });
    expect(server.requests.length - before).toBe(Math.ceil(200 / 7) + 4);
    expect(summary).toMatchObject({
      status: "succeeded",
      fetched: 200,
      inserted: 200,
      updated: 0,
      skipped: 0,
      release: "oqmd-api 1.0",
    });

    const records = devset();
    const [{ n }] = await store.dataSource.query(`SELECT count(*)::int AS n FROM entries WHERE source = 'OQMD'`);
    expect(n).toBe(200);
    const rows: Array<{
      source_id: string;
      key: string;
      value: number;
      unit: string;
      source_value: number;
      source_unit: string;
    }> = await store.dataSource.query(
      `SELECT e.source_id, p.key, p.value, p.unit, p.source_value, p.source_unit FROM properties p JOIN entries e ON e.id = p.entry_id`,
    );
    const fields: Record<string, [string, string]> = {
      FORMATION_ENERGY_PER_ATOM: ["delta_e", "eV/atom"],
      ENERGY_ABOVE_HULL: ["stability", "eV/atom"],
      BAND_GAP: ["band_gap", "eV"],
    };
    for (const r of records) {
      for (const [key, [field, unit]] of Object.entries(fields)) {
        const landed = rows.find((x) => x.source_id === String(r["entry_id"]) && x.key === key);
        if (r[field] === null) expect(landed).toBeUndefined();
        else expect(landed).toMatchObject({ value: r[field], unit, source_value: r[field], source_unit: unit });
      }
    }
    const [entry] = await store.dataSource.query(
      `SELECT e.nsites, e.spacegroup_symbol, e.volume, e.release, m.formula FROM entries e JOIN materials m ON m.id = e.material_id
       WHERE e.source_id = $1`,
      [String(records[0]!["entry_id"])],
    );
    expect(entry).toMatchObject({
      nsites: records[0]!["natoms"],
      spacegroup_symbol: records[0]!["spacegroup"],
      volume: records[0]!["volume"],
      release: "oqmd-api 1.0",
    });
    const [run] = await store.dataSource.query(
      `SELECT status, fetched, inserted, release, total FROM ingest_runs WHERE id = $1`,
      [summary.runId],
    );
    expect(run).toEqual({ status: "succeeded", fetched: 200, inserted: 200, release: "oqmd-api 1.0", total: 200 });
  });

  it("a re-run changes nothing", async () => {
    await runIngest(store.dataSource, oqmd(), { batchSize: 64 });
    const before = await snapshot(store.dataSource);
    const [{ t: updatedBefore }] = await store.dataSource.query(`SELECT max(updated_at) AS t FROM properties`);
    const again = await runIngest(store.dataSource, oqmd({ pageSize: 13 }), { batchSize: 30 });
    expect(again).toMatchObject({ fetched: 200, inserted: 0, updated: 0, unchanged: 200, withdrawn: 0 });
    expect(await snapshot(store.dataSource)).toEqual(before);
    const [{ t: updatedAfter }] = await store.dataSource.query(`SELECT max(updated_at) AS t FROM properties`);
    expect(updatedAfter).toEqual(updatedBefore);
    const [{ n }] = await store.dataSource.query(`SELECT count(*)::int AS n FROM property_history`);
    expect(n).toBe(0);
  });

  it("a run aborted midway and resumed ends with exactly the rows of an uninterrupted run", async () => {
    await runIngest(store.dataSource, oqmd(), { batchSize: 21 });
    const uninterrupted = await snapshot(store.dataSource);
    await resetStore(store.dataSource);

    // Page offset 105 fails for good: the run stops with its checkpoint at the last batch written.
    server.inject((p) => p.includes("offset=105&"), { kind: "500" }, Infinity);
    await expect(runIngest(store.dataSource, oqmd(), { batchSize: 21 })).rejects.toThrow(FetchError);
    const [failed] = await store.dataSource.query(`SELECT id, status, fetched, checkpoint FROM ingest_runs`);
    expect(failed.status).toBe("failed");
    expect(failed.checkpoint).toMatch(/offset=(84|91|98|105)&/);
    const [{ n: partial }] = await store.dataSource.query(`SELECT count(*)::int AS n FROM entries`);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(200);

    server.clearFaults();
    const requestsBefore = server.requests.length;
    const resumed = await runIngest(store.dataSource, oqmd(), { batchSize: 21, resume: true });
    expect(resumed).toMatchObject({ runId: failed.id, resumed: true, status: "succeeded" });
    // The resume starts at the checkpoint, not at offset 0.
    expect(server.requests.slice(requestsBefore).some((p) => p.includes("offset=0&"))).toBe(false);
    expect(await snapshot(store.dataSource)).toEqual(uninterrupted);
    const runs = await store.dataSource.query(`SELECT status FROM ingest_runs`);
    expect(runs).toEqual([{ status: "succeeded" }]);
  });

  it("a run's first page is short and written alone (writing starts early); a resume from its checkpoint reads on", async () => {
    const recorded = devset();
    server.data.oqmd = { count: 600, at: (i) => ({ ...recorded[i % recorded.length], entry_id: 90_000_000 + i }) };
    const oqmdPages = () => createAdapter("oqmd", { baseUrl: server.url, pageSize: 300, http: FAST });
    const progress: number[] = [];
    const before = server.requests.length;
    const summary = await runIngest(store.dataSource, oqmdPages(), {
      batchSize: 1000,
      onProgress: (p) => progress.push(p.fetched),
    });
    expect(summary).toMatchObject({ fetched: 600, inserted: 600, status: "succeeded" });
    const asked = server.requests.slice(before).map((p) => {
      const query = new URLSearchParams(p.slice(p.indexOf("?") + 1));
      return `${query.get("offset")}+${query.get("limit")}`;
    });
    // 250 first, then pages of the size asked for, by offset.
    expect(asked).toEqual(["0+250", "250+300", "550+300"]);
    // The first page is a batch of its own, though the batch size is 1000.
    expect(progress).toEqual([250, 600]);
    const uninterrupted = await snapshot(store.dataSource);

    await resetStore(store.dataSource);
    server.inject((p) => p.includes("offset=250&"), { kind: "500" }, Infinity);
    await expect(runIngest(store.dataSource, oqmdPages(), { batchSize: 1000 })).rejects.toThrow(FetchError);
    const [failed] = await store.dataSource.query(`SELECT fetched, checkpoint FROM ingest_runs`);
    expect(failed.fetched).toBe(250);
    expect(failed.checkpoint).toMatch(/limit=300&offset=250&/);
    server.clearFaults();
    const resumed = await runIngest(store.dataSource, oqmdPages(), { batchSize: 1000, resume: true });
    expect(resumed).toMatchObject({ fetched: 600, resumed: true, status: "succeeded" });
    expect(await snapshot(store.dataSource)).toEqual(uninterrupted);

    // A dump's first page is as short.
    await resetStore(store.dataSource);
    const jarvis = fixture("jarvis", "dft_3d_rebuilt_from_leaderboard_benchmarks.json") as Array<
      Record<string, unknown>
    >;
    const dir = mkdtempSync(path.join(tmpdir(), "matgraph-jarvis-"));
    const file = path.join(dir, "dft_3d.json");
    writeFileSync(
      file,
      JSON.stringify(Array.from({ length: 600 }, (_, i) => ({ ...jarvis[i % jarvis.length], jid: `JVASP-T${i}` }))),
    );
    const dumpProgress: number[] = [];
    const dump = await runIngest(store.dataSource, createAdapter("jarvis", { file, pageSize: 300 }), {
      batchSize: 1000,
      onProgress: (p) => dumpProgress.push(p.fetched),
    });
    expect(dump).toMatchObject({ fetched: 600, inserted: 600, status: "succeeded" });
    expect(dumpProgress).toEqual([250, 600]);

    // And MP's, by _skip/_limit.
    await resetStore(store.dataSource);
    const recordedMp = server.data.mp;
    server.data.mp = {
      count: 600,
      at: (i) => ({ ...(recordedMp.at(i % recordedMp.count) as Record<string, unknown>), material_id: `mp-T${i}` }),
    };
    try {
      const mpBefore = server.requests.length;
      const mp = await runIngest(
        store.dataSource,
        createAdapter("mp", { baseUrl: server.url, apiKey: "mp-test-key", pageSize: 300, http: FAST }),
        { batchSize: 1000 },
      );
      expect(mp).toMatchObject({ fetched: 600, inserted: 600, status: "succeeded" });
      const mpAsked = server.requests.slice(mpBefore).map((p) => {
        const query = new URLSearchParams(p.slice(p.indexOf("?") + 1));
        return `${query.get("_skip")}+${query.get("_limit")}`;
      });
      expect(mpAsked).toEqual(["0+250", "250+300", "550+300"]);
    } finally {
      server.data.mp = recordedMp;
    }
  });

  it('bad records (wrong type, unknown element, missing id, "na") are skipped and reported by id; the rest land', async () => {
    const records = devset().slice(0, 30);
    records[3] = { ...records[3], delta_e: "n/a?" };
    records[10] = { ...records[10], sites: (records[10]!["sites"] as string[]).map((s) => s.replace(/^\w+/, "Zz")) };
    records[17] = { ...records[17], entry_id: null };
    records[20] = { ...records[20], band_gap: "na", stability: null };
    server.data.oqmd = fromArray(records);
    const summary = await runIngest(store.dataSource, oqmd(), { batchSize: 8 });
    expect(summary).toMatchObject({ fetched: 30, inserted: 27, skipped: 3 });
    expect(summary.skippedRecords).toEqual([
      { id: String(records[3]!["entry_id"]), reason: expect.stringMatching(/field delta_e: expected a number/) },
      { id: String(records[10]!["entry_id"]), reason: expect.stringMatching(/unknown element "Zz"/) },
      { id: "record 18", reason: expect.stringMatching(/entry_id is missing/) },
    ]);
    const [run] = await store.dataSource.query(`SELECT skipped, skipped_records FROM ingest_runs WHERE id = $1`, [
      summary.runId,
    ]);
    expect(run.skipped).toBe(3);
    expect(run.skipped_records).toEqual(summary.skippedRecords);
    const keys = await store.dataSource.query(
      `SELECT p.key FROM properties p JOIN entries e ON e.id = p.entry_id WHERE e.source_id = $1 ORDER BY p.key`,
      [String(records[20]!["entry_id"])],
    );
    expect(keys.map((k: { key: string }) => k.key)).toEqual([
      PropertyKey.FORMATION_ENERGY_PER_ATOM,
      PropertyKey.VOLUME_PER_ATOM,
    ]);
  });

  it("a dump record that is not JSON is skipped and reported; the rest land, each stored as its text in the dump", async () => {
    const records = fixture("jarvis", "dft_3d_rebuilt_from_leaderboard_benchmarks.json").slice(0, 6) as Array<
      Record<string, unknown>
    >;
    // Spelled as no printer would: spacing and key order are kept in the stored payload.
    const texts = records.map((r) => JSON.stringify(r, null, 1).replace(/\n/g, "\n  "));
    const bad = '{"jid": "JVASP-BROKEN", "optb88vdw_bandgap": tru}';
    const dir = mkdtempSync(path.join(tmpdir(), "matgraph-jarvis-"));
    const file = path.join(dir, "dft_3d.json");
    writeFileSync(file, `[${[...texts.slice(0, 3), bad, ...texts.slice(3)].join(",\n")}]`);
    const summary = await runIngest(store.dataSource, createAdapter("jarvis", { file, pageSize: 4 }), { batchSize: 5 });
    expect(summary).toMatchObject({ fetched: 7, inserted: 6, skipped: 1, status: "succeeded" });
    expect(summary.skippedRecords).toEqual([
      { id: "record 4", reason: expect.stringMatching(/record is not valid JSON/) },
    ]);
    const stored: Array<{ source_id: string; raw: string }> = await store.dataSource.query(
      `SELECT source_id, raw::text AS raw FROM entries ORDER BY id`,
    );
    expect(stored.map((r) => r.raw)).toEqual(texts);
    expect(stored.map((r) => r.source_id)).toEqual(records.map((r) => r["jid"]));
  });

  it("--limit stops early and withdraws nothing", async () => {
    await runIngest(store.dataSource, oqmd());
    server.data.oqmd = fromArray(devset().slice(0, 150));
    const limited = await runIngest(store.dataSource, oqmd(), { limit: 40 });
    expect(limited).toMatchObject({ fetched: 40, withdrawn: 0, status: "succeeded" });
    const [{ n }] = await store.dataSource.query(
      `SELECT count(*)::int AS n FROM entries WHERE withdrawn_at IS NOT NULL`,
    );
    expect(n).toBe(0);
  });

  it("JARVIS: the dump streamed from a URL (zipped, gzipped, plain) and from a local file gives the same rows", async () => {
    const expected = fixture("jarvis", "dft_3d_rebuilt_from_leaderboard_benchmarks.json");
    let first: unknown[] | undefined;
    for (const suffix of [".json.zip", ".json.gz", ".json"]) {
      await resetStore(store.dataSource);
      const summary = await runIngest(
        store.dataSource,
        createAdapter("jarvis", { file: `${server.url}/jarvis/dft_3d${suffix}`, pageSize: 4, http: FAST }),
        { batchSize: 5 },
      );
      expect(summary).toMatchObject({ fetched: expected.length, inserted: expected.length, release: "dft_3d" });
      const rows = await snapshot(store.dataSource);
      first ??= rows;
      expect(rows).toEqual(first);
    }
    await resetStore(store.dataSource);
    const dir = mkdtempSync(path.join(tmpdir(), "matgraph-jarvis-"));
    const file = path.join(dir, "dft_3d.json");
    writeFileSync(file, JSON.stringify(expected));
    const local = await runIngest(store.dataSource, createAdapter("jarvis", { file }), { batchSize: 5 });
    expect(local).toMatchObject({ fetched: expected.length, inserted: expected.length, release: "dft_3d" });
    expect(await snapshot(store.dataSource)).toEqual(first);
    const [ex] = await store.dataSource.query(
      `SELECT p.value, p.unit FROM properties p JOIN entries e ON e.id = p.entry_id WHERE e.source_id = 'JVASP-572' AND p.key = 'EXFOLIATION_ENERGY'`,
    );
    expect(ex).toEqual({ value: 86.28, unit: "meV/atom" });
  });

  it("MP: pages by _skip/_limit with the API key in X-API-KEY; AFLOW: AFLUX pages completed from the entry endpoint", async () => {
    const before = server.requests.length;
    const mp = await runIngest(
      store.dataSource,
      createAdapter("mp", { baseUrl: server.url, apiKey: "mp-test-key", pageSize: 5, http: FAST }),
    );
    expect(mp).toMatchObject({ fetched: server.data.mp.count, inserted: server.data.mp.count, skipped: 0 });
    const mpRequests = server.requests.slice(before).filter((p) => p.startsWith("/materials/summary"));
    expect(mpRequests).toHaveLength(Math.ceil(server.data.mp.count / 5));
    expect(mpRequests[1]).toMatch(/_skip=5&_limit=5/);
    expect(server.headers.slice(before).every((h) => h["x-api-key"] === "mp-test-key")).toBe(true);

    // An AFLUX page listing the aurls of recorded aflowlib entries: built from the documented
    // AFLUX schema (no recorded page lists these entries); the entries themselves are recorded.
    const entries = ["icsd", "lib1", "lib2", "lib3"].map(
      (n) => fixture("aflow", `aflowlib_${n}_example.json`)[0] as Record<string, unknown>,
    );
    for (const e of entries) server.data.aflowEntries.set(String(e["aurl"]).replace(/^[^:]+:/, ""), e);
    server.data.aflux = fromArray(
      entries.map((e) => ({
        auid: e["auid"],
        aurl: e["aurl"],
        compound: e["compound"],
        ...(e["Egap"] != null ? { Egap: String(e["Egap"]) } : {}),
      })),
    );
    const aflow = await runIngest(
      store.dataSource,
      createAdapter("aflow", { baseUrl: server.url, pageSize: 3, entryDetails: true, http: FAST }),
    );
    expect(aflow.skippedRecords).toEqual([]);
    expect(aflow).toMatchObject({ fetched: 4, inserted: 4, skipped: 0 });
    const landed = await store.dataSource.query(
      `SELECT source_id, nsites, spacegroup_number FROM entries WHERE source = 'AFLOW' ORDER BY source_id`,
    );
    for (const e of entries) {
      expect(landed).toContainEqual({
        source_id: e["auid"],
        nsites: e["natoms"],
        spacegroup_number: e["spacegroup_relax"],
      });
    }
  });

  it("OPTIMADE: follows links.next; ids carry provider and database", async () => {
    const summary = await runIngest(
      store.dataSource,
      createAdapter("optimade", { baseUrl: `${server.url}/optimade-sample/optimade`, pageSize: 4, http: FAST }),
    );
    expect(summary).toMatchObject({ fetched: 16, inserted: 16, skipped: 0 });
    expect(
      server.requests.filter((p) => p.includes("/optimade-sample/optimade/v1/structures")).length,
    ).toBeGreaterThanOrEqual(4);
    const ids = await store.dataSource.query(
      `SELECT source_id FROM entries WHERE source = 'OPTIMADE' ORDER BY source_id LIMIT 1`,
    );
    expect(ids[0].source_id).toMatch(/^mcloud:optimade-sample:\d+$/);
  });
});
