import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Composition } from "../../src/engine/chem/composition";
import { createAdapter, runIngest } from "../../src/ingest";
import type { AdapterOptions } from "../../src/ingest/adapter-options";
import { waitForIngestRuns } from "../../src/services/ingest-run.service";
import { hasSharedData, sharedData, SKIP_REASON } from "../support/shared-data";
import { startTestServer, type TestServer } from "../support/test-server";
import { fixture, recordedData, resetStore } from "./support/ingest-fixtures";
import { fromArray, startReplayServer, type ReplayServer } from "./support/replay-server";

/**
 * What ingestion exposes over GraphQL (the real HTTP server): value history and
 * withdrawn entries after re-ingests, `changes`, polymorphs across sources matched on
 * real records, and the admin-only mutation that starts a run with the runs query.
 */
const FAST: AdapterOptions["http"] = { backoffBaseMs: 5, maxRetries: 3, requestsPerSecond: 10_000 };
const ADMIN = { authorization: "Bearer test-admin-token" };
const reduced = (f: string) => Composition.parse(f).reducedFormula;
const devset = () =>
  fixture("oqmd", "oqmdapi_formationenergy_data_rebuilt_matsciml_devset.json") as Array<Record<string, unknown>>;

describe.skipIf(!hasSharedData)("ingestion over GraphQL" + SKIP_REASON, () => {
  let api: TestServer;
  let replay: ReplayServer;
  const oqmd = () => createAdapter("oqmd", { baseUrl: replay.url, pageSize: 50, http: FAST });

  beforeAll(async () => {
    api = await startTestServer();
    replay = await startReplayServer(recordedData());
  });
  afterAll(async () => {
    await waitForIngestRuns();
    await replay.close();
    await api.close();
  });
  beforeEach(async () => {
    replay.data.oqmd = fromArray(devset().slice(0, 40));
    await resetStore(api.store.dataSource);
  });

  it("a changed value is kept in Entry.history with the run that replaced it; a vanished id is withdrawn, not deleted", async () => {
    const ds = api.store.dataSource;
    const since = new Date(Date.now() - 1000);
    const first = await runIngest(ds, oqmd());
    const records = devset().slice(0, 40);
    const changed = records[5]!;
    const gone = records[9]!;
    const oldDeltaE = changed["delta_e"] as number;
    replay.data.oqmd = fromArray(
      records
        .filter((r) => r !== gone)
        .map((r) => (r === changed ? { ...r, delta_e: oldDeltaE + 0.125, band_gap: null } : r)),
    );
    const second = await runIngest(ds, oqmd());
    expect(second).toMatchObject({ fetched: 39, inserted: 0, updated: 1, unchanged: 38, withdrawn: 1 });

    const res = await api.gql<{ entry: Record<string, unknown>; gone: Record<string, unknown> }>(
      `query ($id: String!, $gone: String!) {
         entry(source: OQMD, sourceId: $id) {
           properties(keys: [FORMATION_ENERGY_PER_ATOM]) { value }
           history { key previousValue newValue unit runId }
         }
         gone: entry(source: OQMD, sourceId: $gone) { withdrawnAt properties(keys: [FORMATION_ENERGY_PER_ATOM]) { value } }
       }`,
      { id: String(changed["entry_id"]), gone: String(gone["entry_id"]) },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.entry["properties"]).toEqual([{ value: oldDeltaE + 0.125 }]);
    const history = res.data!.entry["history"] as Array<Record<string, unknown>>;
    expect(history).toContainEqual({
      key: "FORMATION_ENERGY_PER_ATOM",
      previousValue: oldDeltaE,
      newValue: oldDeltaE + 0.125,
      unit: "eV/atom",
      runId: second.runId,
    });
    expect(history).toContainEqual({
      key: "BAND_GAP",
      previousValue: changed["band_gap"],
      newValue: null,
      unit: "eV",
      runId: second.runId,
    });
    expect(res.data!.gone["withdrawnAt"]).toEqual(expect.any(String));
    expect(res.data!.gone["properties"]).toEqual([{ value: gone["delta_e"] }]);

    const changes = await api.gql<{ changes: Array<Record<string, unknown>> }>(
      `query ($since: DateTimeISO!) { changes(source: OQMD, since: $since, first: 500) { kind sourceId key previousValue newValue runId } }`,
      { since: since.toISOString() },
    );
    expect(changes.errors).toBeUndefined();
    const list = changes.data!.changes;
    expect(list.filter((c) => c["kind"] === "ADDED")).toHaveLength(40);
    expect(list.filter((c) => c["kind"] !== "ADDED")).toEqual(
      expect.arrayContaining([
        {
          kind: "VALUE_CHANGED",
          sourceId: String(changed["entry_id"]),
          key: "FORMATION_ENERGY_PER_ATOM",
          previousValue: oldDeltaE,
          newValue: oldDeltaE + 0.125,
          runId: second.runId,
        },
        {
          kind: "VALUE_REMOVED",
          sourceId: String(changed["entry_id"]),
          key: "BAND_GAP",
          previousValue: changed["band_gap"],
          newValue: null,
          runId: second.runId,
        },
        {
          kind: "WITHDRAWN",
          sourceId: String(gone["entry_id"]),
          key: null,
          previousValue: null,
          newValue: null,
          runId: second.runId,
        },
      ]),
    );
    expect(list.filter((c) => c["kind"] !== "ADDED")).toHaveLength(3);
    const later = await api.gql<{ changes: unknown[] }>(
      `query ($since: DateTimeISO!) { changes(source: OQMD, since: $since) { kind } }`,
      { since: new Date(Date.now() + 60_000).toISOString() },
    );
    expect(later.data!.changes).toEqual([]);

    // The id comes back: no longer withdrawn.
    replay.data.oqmd = fromArray(records);
    const third = await runIngest(ds, oqmd());
    expect(third).toMatchObject({ withdrawn: 0 });
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM entries WHERE withdrawn_at IS NOT NULL`);
    expect(n).toBe(0);
    expect(first.inserted).toBe(40);
  });

  it("polymorphs across sources, on real records: same compound from two sources matches, distinct polymorphs do not", async () => {
    const ds = api.store.dataSource;
    replay.data.oqmd = fromArray(devset());
    await runIngest(ds, oqmd());
    await runIngest(
      ds,
      createAdapter("aflow", {
        file: sharedData("fixtures", "aflow", "aflowlib_entries_ael_agl_propnet_aflow_store.json"),
      }),
    );
    await runIngest(ds, createAdapter("optimade", { baseUrl: `${replay.url}/optimade-sample/optimade`, http: FAST }));
    await runIngest(
      ds,
      createAdapter("jarvis", {
        file: sharedData("fixtures", "jarvis", "dft_3d_rebuilt_from_leaderboard_benchmarks.json"),
      }),
    );

    const query = `query ($f: String!) { materialByFormula(formula: $f) {
        formula
        polymorphs { spacegroup { number symbol } entryCount sources entries { source sourceId }
          properties(keys: [BAND_GAP, FORMATION_ENERGY_PER_ATOM]) { key unit count min max spread sources values { source value } } }
      } }`;
    type Poly = {
      spacegroup: { number: number | null; symbol: string | null } | null;
      entryCount: number;
      sources: string[];
      entries: Array<{ source: string; sourceId: string }>;
      properties: Array<Record<string, unknown>>;
    };
    const polymorphsOf = async (formula: string) => {
      const res = await api.gql<{ materialByFormula: { polymorphs: Poly[] } }>(query, { f: formula });
      expect(res.errors).toBeUndefined();
      return res.data!.materialByFormula.polymorphs;
    };

    // NbS2: JARVIS JVASP-578 and the Materials Cloud sample structure 1584 are one crystal.
    const nbs2 = await polymorphsOf("NbS2");
    const shared = nbs2.find((p) => p.sources.includes("JARVIS") && p.sources.includes("OPTIMADE"));
    expect(shared?.entries.map((e) => e.sourceId).sort()).toEqual(["JVASP-578", "mcloud:optimade-sample:1584"]);

    // NaCl: AFLOW's rock salt matches the sample's structure 1 (recorded single-entry response); 580 of the same
    // database is a different polymorph and stays apart.
    const nacl = await polymorphsOf("NaCl");
    const rocksalt = nacl.find((p) => p.sources.includes("AFLOW"))!;
    expect(rocksalt.entries.map((e) => e.sourceId).sort()).toEqual([
      "aflow:d0c93a9396dc599e",
      "mcloud:optimade-sample:1",
    ]);
    expect(rocksalt.spacegroup?.number).toBe(225);
    const other = nacl.filter((p) => p !== rocksalt);
    expect(other.flatMap((p) => p.entries.map((e) => e.sourceId))).toContain("mcloud:optimade-sample:580");

    // HfNTi in OQMD: the Cmmm and the Pmn21 structures are two polymorphs.
    const hf = await polymorphsOf(reduced("HfTiN"));
    expect(hf.map((p) => p.spacegroup?.symbol).sort()).toEqual(["Cmmm", "Pmn21"]);
    expect(hf.every((p) => p.entryCount === 1)).toBe(true);

    // Side by side with the spread: the two identical diamond-like carbon structures of the sample.
    const carbon = await polymorphsOf("C");
    const twin = carbon.find((p) => p.entryCount >= 2);
    expect(twin?.sources).toEqual(["OPTIMADE"]);
    const gaps = (await polymorphsOf(reduced("LaTlAu2")))[0]!.properties.find((p) => p["key"] === "BAND_GAP")!;
    expect(gaps).toMatchObject({ unit: "eV", count: 1, spread: 0, sources: ["OQMD"] });
    const formation = nbs2.find((p) => p === shared)!.properties.find((p) => p["key"] === "FORMATION_ENERGY_PER_ATOM")!;
    const values = (formation["values"] as Array<{ value: number }>).map((v) => v.value);
    expect(formation["spread"]).toBeCloseTo(Math.max(...values) - Math.min(...values), 12);
  });

  it("startIngest is admin-only; it starts a run that ingestRun and ingestRuns report", async () => {
    const mutation = `mutation ($input: StartIngestInput!) { startIngest(input: $input) { id source status target } }`;
    const input = { source: "OQMD", baseUrl: replay.url };
    const anonymous = await api.gql(mutation, { input });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const wrongToken = await api.gql(mutation, { input }, { authorization: "Bearer nope" });
    expect(wrongToken.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const [{ n: none }] = await api.store.dataSource.query(`SELECT count(*)::int AS n FROM ingest_runs`);
    expect(none).toBe(0);

    const started = await api.gql<{ startIngest: { id: string; source: string; status: string; target: string } }>(
      mutation,
      { input },
      ADMIN,
    );
    expect(started.errors).toBeUndefined();
    expect(started.data!.startIngest).toMatchObject({
      source: "OQMD",
      target: `${replay.url}/oqmdapi/formationenergy`,
    });
    const id = started.data!.startIngest.id;
    await waitForIngestRuns(Number(id));
    const run = await api.gql<{ ingestRun: Record<string, unknown>; ingestRuns: Array<{ id: string }> }>(
      `query ($id: ID!) {
         ingestRun(id: $id) { status fetched inserted skipped total progress release skippedRecords { id reason } }
         ingestRuns(source: OQMD, first: 5) { id }
       }`,
      { id },
    );
    expect(run.errors).toBeUndefined();
    expect(run.data!.ingestRun).toEqual({
      status: "succeeded",
      fetched: 40,
      inserted: 40,
      skipped: 0,
      total: 40,
      progress: 1,
      release: "oqmd-api 1.0",
      skippedRecords: [],
    });
    expect(run.data!.ingestRuns.map((r) => r.id)).toEqual([id]);
  });
});
