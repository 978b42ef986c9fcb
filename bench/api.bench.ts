// First: sets NODE_ENV before graphql is loaded.
import { benchNodeEnv } from "./support/production-env";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { loadConfig } from "../src/config";
import { PropertyKey } from "../src/domain/property-key";
import { Source } from "../src/domain/source";
import { startHttpServer } from "../src/http/app";
import { importCsv } from "../src/services/csv-import.service";
import { openStore } from "../src/store/data-source";
import { startFloorServer } from "./support/floor-server";
import type { LoadResult, LoadSpec } from "./support/load-generator";
import { sharedDataDir } from "./support/repo-root";
import { ensureDatabase } from "./support/bench-database";

/**
 * bench:api — GraphQL read latency and throughput on a real PostgreSQL holding
 * the public benchmark CSVs (≥ 100k entries), against a hand-written pg + JSON
 * floor answering the same reads. One JSON line per query on stdout.
 *
 * DATABASE_URL picks the database (default: a `matgraph_bench` database on the
 * local PostgreSQL, created when missing). BENCH_SECONDS and BENCH_CONCURRENCY
 * tune the load.
 */
const DATASETS: ReadonlyArray<[string, Source, PropertyKey, string]> = [
  ["OQMD_Bandgap", Source.OQMD, PropertyKey.BAND_GAP, "DFT"],
  ["aflow__Egap", Source.AFLOW, PropertyKey.BAND_GAP, "DFT"],
  ["aflow__energy_atom", Source.AFLOW, PropertyKey.TOTAL_ENERGY_PER_ATOM, "DFT"],
  ["aflow__ael_bulk_modulus_vrh", Source.AFLOW, PropertyKey.BULK_MODULUS_VRH, "AEL"],
  ["aflow__ael_shear_modulus_vrh", Source.AFLOW, PropertyKey.SHEAR_MODULUS_VRH, "AEL"],
  ["mp_e_hull", Source.MP, PropertyKey.ENERGY_ABOVE_HULL, "DFT"],
  ["mp_bulk_modulus", Source.MP, PropertyKey.BULK_MODULUS_VRH, "DFT"],
  ["mp_shear_modulus", Source.MP, PropertyKey.SHEAR_MODULUS_VRH, "DFT"],
];
const MIN_ENTRIES = 100_000;

/** Runs the load generator in a child process; asynchronously, since the servers it loads live in this one. */
function load(spec: LoadSpec): Promise<LoadResult> {
  const script = path.join(__dirname, "support", "load-generator.js");
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [script, JSON.stringify(spec)],
      { encoding: "utf8", maxBuffer: 1 << 20 },
      (error, out) => (error ? reject(error) : resolve(JSON.parse(out) as LoadResult)),
    );
  });
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/**
 * Runs one load and adds the CPU time this process (the server under load; the
 * load generator is a child) spent per request, warm-up included. On a shared
 * machine, latency and throughput follow the CPU share the scheduler grants;
 * CPU per request compares the two servers' work whatever else runs.
 */
async function measured(run: () => Promise<LoadResult>): Promise<LoadResult & { cpuUsPerRequest: number }> {
  const before = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await run();
  const cpu = process.cpuUsage(before);
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  const served = result.requestsPerSecond * wallS;
  return { ...result, cpuUsPerRequest: Math.round((cpu.user + cpu.system) / Math.max(1, served)) };
}

async function main(): Promise<void> {
  const databaseUrl = process.env["DATABASE_URL"] || "postgres://postgres@127.0.0.1:5432/matgraph_bench";
  const seconds = Number(process.env["BENCH_SECONDS"] ?? 10);
  const concurrency = Number(process.env["BENCH_CONCURRENCY"] ?? 4);
  await ensureDatabase(databaseUrl);
  const store = await openStore({ databaseUrl, migrate: true });
  const ds = store.dataSource;

  const [{ n: present }] = await ds.query(`SELECT count(*)::int AS n FROM entries`);
  if (present < MIN_ENTRIES) {
    for (const [task, source, key, method] of DATASETS) {
      const file = path.join(sharedDataDir(), "benchmarks", "crabnet", task, "train.csv");
      if (!existsSync(file)) throw new Error(`benchmark file missing: crabnet/${task}/train.csv`);
      const started = Date.now();
      const s = await importCsv(ds, { file, source, key, method });
      process.stderr.write(
        `loaded crabnet/${task}/train.csv: ${s.inserted} new of ${s.rows} in ${(Date.now() - started) / 1000} s\n`,
      );
    }
  }
  const [{ entries, materials }] = await ds.query(
    `SELECT (SELECT count(*)::int FROM entries) AS entries, (SELECT count(*)::int FROM materials) AS materials`,
  );
  process.stderr.write(`store holds ${entries} entries of ${materials} materials\n`);
  // After a bulk load: statistics for the planner, and the visibility map that lets index-only scans skip the heap.
  await ds.query("VACUUM ANALYZE materials, entries, properties");

  // Page starts spread over the whole table, and random material ids, used in turn by both servers.
  const starts: Array<{ formula: string }> = await ds.query(
    `SELECT formula FROM (SELECT formula, row_number() OVER (ORDER BY formula) AS r FROM materials) t
     WHERE r % (SELECT greatest(1, count(*) / 25)::int FROM materials) = 0 ORDER BY formula`,
  );
  const ids: Array<{ id: number }> = await ds.query(`SELECT id FROM materials ORDER BY md5(id::text) LIMIT 500`);
  const cursorOf = (formula: string) => Buffer.from(JSON.stringify([formula])).toString("base64url");

  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", NODE_ENV: "production" });
  const api = await startHttpServer(ds, config);
  const floor = await startFloorServer(databaseUrl);
  const apiUrl = `http://127.0.0.1:${api.port}/graphql`;
  const gql = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });

  const pageQuery = `query($after: String) { materials(first: 50, after: $after) { edges { cursor node { id formula elements nelements chemsys
      entries { source sourceId properties { key value unit } } } } } }`;
  const rangeQuery = `query($min: Float!, $max: Float!) { materials(first: 50, filter: { elements: { hasAll: ["O"] },
      properties: [{ key: BAND_GAP, min: $min, max: $max }] }) { edges { node { id formula properties(keys: [BAND_GAP]) { value unit source } } } } }`;
  const materialQuery = `query($id: ID!) { material(id: $id) { id formula entries { source sourceId properties { key value unit } } } }`;
  const ranges = [0.5, 1, 1.5, 2, 2.5, 3].map((min) => ({ min, max: min + 0.5 }));

  const cases = [
    {
      query: "materialsPage50WithEntriesAndProperties",
      api: starts.map((s) => gql(pageQuery, { after: cursorOf(s.formula) })),
      floor: starts.map((s) => `/page?after=${encodeURIComponent(s.formula)}`),
    },
    {
      query: "propertyRangeFilter",
      api: ranges.map((r) => gql(rangeQuery, r)),
      floor: ranges.map((r) => `/range?element=O&key=BAND_GAP&min=${r.min}&max=${r.max}`),
    },
    {
      query: "materialById",
      api: ids.map((r) => gql(materialQuery, { id: String(r.id) })),
      floor: ids.map((r) => `/material?id=${r.id}`),
    },
  ];

  try {
    for (const c of cases) {
      const common = { concurrency, durationMs: seconds * 1000, warmupMs: 2000 };
      const a = await measured(() => load({ url: apiUrl, bodies: c.api, method: "POST", ...common }));
      const f = await measured(() => load({ url: floor.url, bodies: c.floor, method: "GET", ...common }));
      process.stdout.write(
        `${JSON.stringify({
          query: c.query,
          requestsPerSecond: round(a.requestsPerSecond, 1),
          p50Ms: round(a.p50Ms),
          p99Ms: round(a.p99Ms),
          floorRequestsPerSecond: round(f.requestsPerSecond, 1),
          floorP50Ms: round(f.p50Ms),
          floorP99Ms: round(f.p99Ms),
          throughputVsFloor: round(a.requestsPerSecond / f.requestsPerSecond, 3),
          cpuUsPerRequest: a.cpuUsPerRequest,
          floorCpuUsPerRequest: f.cpuUsPerRequest,
          errors: a.errors,
          floorErrors: f.errors,
          concurrency,
          seconds,
          entries,
          materials,
          store: "postgresql",
          nodeEnv: benchNodeEnv,
        })}\n`,
      );
    }
  } finally {
    await api.stop();
    await floor.stop();
    await store.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:api failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
