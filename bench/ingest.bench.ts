import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { DataSource } from "typeorm";
import { createAdapter, runIngest, type SourceAdapter } from "../src/ingest";
import { openStore } from "../src/store/data-source";
import { recordsOf, startReplayServer, emptyData, type RecordSet } from "../tests/ingest/support/replay-server";
import { sharedDataDir } from "./support/repo-root";
import { ensureDatabase } from "./support/bench-database";
import { measureCopyFloor } from "./support/copy-floor";

/**
 * bench:ingest — end-to-end ingestion throughput and memory: recorded OQMD and JARVIS
 * records (shared fixtures oqmdapi_formationenergy_data_rebuilt_matsciml_devset.json,
 * dft_3d_rebuilt_from_leaderboard_benchmarks.json and dft_3d_rebuilt_from_alignn_sample_data.json),
 * repeated with fresh ids, replayed by the loopback server (its own process, as a remote
 * server would be) through the OQMD API adapter and the JARVIS dump adapter into a real
 * PostgreSQL. Each (source, size) runs in a fresh worker process, so peakRssMB is that
 * run's own peak (getrusage maxrss of the worker, server excluded).
 *
 * One JSON line per run on stdout: {"source","records","recordsPerSecond","peakRssMB", …}
 * (also the run's seconds, the worker's own CPU seconds, the loopback server's CPU seconds
 * during the run and, for a local server, the database server's CPU seconds: on a shared
 * machine the wall-clock rate also depends on what else runs, the CPU seconds do much less).
 * DATABASE_URL picks the database (default: `matgraph_bench_ingest` on the local
 * PostgreSQL, created when missing; its tables are emptied and the server checkpointed
 * before each run, see checkpoint).
 * BENCH_SIZES overrides the sizes (default "50000,200000").
 * A first line, {"floor","rows","rowsPerSecond","seconds"}, is the server's rate for a bare
 * COPY of 1M rows into an indexed table (see copy-floor): the yardstick the runs' rates
 * are read against on a machine whose speed varies.
 */
const OQMD_FILE = ["fixtures", "oqmd", "oqmdapi_formationenergy_data_rebuilt_matsciml_devset.json"];
const JARVIS_FILES = [
  ["fixtures", "jarvis", "dft_3d_rebuilt_from_leaderboard_benchmarks.json"],
  ["fixtures", "jarvis", "dft_3d_rebuilt_from_alignn_sample_data.json"],
];

/** Recorded records, repeated: record i is recording i mod n with a fresh id. */
function repeated(
  base: ReadonlyArray<Record<string, unknown>>,
  count: number,
  withId: (r: Record<string, unknown>, i: number) => Record<string, unknown>,
): RecordSet {
  return { count, at: (i) => withId(base[i % base.length] as Record<string, unknown>, i) };
}

function load(parts: string[]): Array<Record<string, unknown>> {
  return recordsOf(path.join(sharedDataDir(), ...parts)) as Array<Record<string, unknown>>;
}

/**
 * Server process: serves `count` records of each source and prints its URL once every
 * response has been built. The server stands in for a remote source, whose CPU is not
 * this machine's: each page (and the dump) is rendered and gzipped once, by reading the
 * whole listing through the adapters, before the URL is printed and the clock starts;
 * the measured run then costs the server only the sending of bytes.
 */
async function serve(count: number): Promise<void> {
  const data = emptyData();
  data.oqmd = repeated(load(OQMD_FILE), count, (r, i) => ({
    ...r,
    entry_id: 50_000_000 + i,
    formationenergy_id: 60_000_000 + i,
  }));
  data.jarvis.set(
    "dft_3d_bench",
    repeated(JARVIS_FILES.flatMap(load), count, (r, i) => ({ ...r, jid: `JVASP-B${i}` })),
  );
  const server = await startReplayServer(data, { cacheBodies: true });
  for (const source of ["OQMD", "JARVIS"]) {
    for await (const page of adapterFor(source, server.url).pages(null)) void page;
  }
  process.stdout.write(`${server.url}\n`);
}

/** The adapter a run reads `source` with (the warm-up reads it the same way, so it requests the same URLs). */
function adapterFor(source: string, serverUrl: string): SourceAdapter {
  const http = { requestsPerSecond: 10_000, concurrency: 2 };
  return source === "OQMD"
    ? createAdapter("oqmd", { baseUrl: serverUrl, pageSize: 2000, http })
    : createAdapter("jarvis", { file: `${serverUrl}/jarvis/dft_3d_bench.json`, http }); // a dump's pages as the CLI cuts them
}

/** Worker process: one ingest run, one JSON line. */
async function work(source: string, count: number, serverUrl: string, databaseUrl: string): Promise<void> {
  const store = await openStore({ databaseUrl, migrate: true, poolSize: 4 });
  try {
    await store.dataSource.query(
      `TRUNCATE property_history, ingest_run_seen, polymorph_fingerprints, properties, entries, polymorphs, materials,
                ingest_runs RESTART IDENTITY CASCADE`,
    );
    const checkpointed = await checkpoint(store.dataSource);
    const adapter = adapterFor(source, serverUrl);
    const serverCpuBefore = await databaseCpuSeconds(store.dataSource);
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    const summary = await runIngest(store.dataSource, adapter, { batchSize: 2000 });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const serverCpuAfter = await databaseCpuSeconds(store.dataSource);
    const [{ entries }] = await store.dataSource.query(`SELECT count(*)::int AS entries FROM entries`);
    const [{ properties }] = await store.dataSource.query(`SELECT count(*)::int AS properties FROM properties`);
    const [{ polymorphs }] = await store.dataSource.query(`SELECT count(*)::int AS polymorphs FROM polymorphs`);
    if (summary.fetched !== count || entries !== count) {
      throw new Error(`${source}: fetched ${summary.fetched}, stored ${entries}, expected ${count}`);
    }
    process.stdout.write(
      `${JSON.stringify({
        source,
        records: count,
        recordsPerSecond: Math.round(count / seconds),
        peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
        seconds: +seconds.toFixed(2),
        // CPU the worker itself used (normalising, building statements): on a shared machine the
        // wall-clock rate also depends on what else runs; the database server's CPU is not in it.
        workerCpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(2),
        // CPU of the database server processes serving this worker (local server only, else null).
        databaseCpuSeconds: databaseCpuDelta(serverCpuBefore, serverCpuAfter),
        inserted: summary.inserted,
        skipped: summary.skipped,
        properties,
        polymorphs,
        store: "postgresql",
        checkpointed,
      })}\n`,
    );
  } finally {
    await store.close();
  }
}

/**
 * Starts each run right after a checkpoint, so that runs start alike whatever ran before:
 * otherwise a run finds the shared buffers full of the previous run's dirty pages, and its
 * backend writes them out as it needs the buffers (JARVIS 50k after OQMD 50k: 24,500
 * buffers written by backends, against 17,000–19,000 after a checkpoint; the database CPU
 * hardly differed at that size). A run that writes more WAL than the server's checkpoint
 * distance still meets a checkpoint midway (JARVIS 200k writes 661 MB: database CPU
 * 7.5–9.6 s over five runs). Needs the right to checkpoint (superuser or pg_checkpoint);
 * without it the run goes ahead and its line says so.
 */
async function checkpoint(dataSource: DataSource): Promise<boolean> {
  try {
    await dataSource.query("CHECKPOINT");
    return true;
  } catch {
    return false;
  }
}

/**
 * CPU seconds used so far by each server process of this database (the worker's pool
 * connections; the bench database has no other users), read from /proc: only for a
 * server on this machine that this user may inspect, otherwise undefined.
 */
async function databaseCpuSeconds(dataSource: DataSource): Promise<Map<number, number> | undefined> {
  const rows: Array<{ pid: number }> = await dataSource.query(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`,
  );
  const seconds = new Map<number, number>();
  for (const { pid } of rows) {
    const used = processCpuSeconds(pid);
    if (!Number.isNaN(used)) seconds.set(pid, used);
  }
  return seconds.size > 0 ? seconds : undefined;
}

/** CPU seconds a process of this machine has used (user + system, from /proc); NaN when it cannot be read. */
function processCpuSeconds(pid: number | undefined): number {
  const ticksPerSecond = 100; // USER_HZ, fixed at 100 on Linux
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return NaN; // not on this machine, not ours to read, or the process has just ended
  }
}

/** Processes that started during the run count whole; ones that ended during it are lost (idle pool connections). */
function databaseCpuDelta(
  before: Map<number, number> | undefined,
  after: Map<number, number> | undefined,
): number | null {
  if (!before || !after) return null;
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return +total.toFixed(2);
}

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--max-old-space-size=1024", __filename, ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${args[0]} exited with ${code}`))));
    child.on("error", reject);
  });
}

async function main(): Promise<void> {
  const [mode, a, b, c, d] = process.argv.slice(2);
  if (mode === "--serve") return serve(Number(a));
  if (mode === "--worker") return work(a as string, Number(b), c as string, d as string);

  const databaseUrl = process.env["DATABASE_URL"] || "postgres://postgres@127.0.0.1:5432/matgraph_bench_ingest";
  await ensureDatabase(databaseUrl);
  process.stdout.write(`${JSON.stringify(await measureCopyFloor(databaseUrl))}\n`);
  const sizes = (process.env["BENCH_SIZES"] ?? "50000,200000").split(",").map(Number);
  for (const source of ["OQMD", "JARVIS"]) {
    for (const size of sizes) {
      // One server per size: the listing holds exactly `size` records, as a source of that size would.
      const server = spawn(process.execPath, [__filename, "--serve", String(size)], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      try {
        const serverUrl = await new Promise<string>((resolve, reject) => {
          let out = "";
          server.stdout.on("data", (chunk: Buffer) => {
            out += chunk.toString();
            if (out.includes("\n")) resolve(out.trim());
          });
          server.on("exit", (code) => reject(new Error(`replay server exited with ${code}`)));
        });
        process.stderr.write(`ingest ${source} ${size} records…\n`);
        const serverCpuBefore = processCpuSeconds(server.pid);
        const line = await runChild(["--worker", source, String(size), serverUrl, databaseUrl]);
        const serverCpuSeconds = processCpuSeconds(server.pid) - serverCpuBefore;
        // The loopback server's own CPU during the run: it shares the machine's cores with the run.
        const result = {
          ...(JSON.parse(line) as Record<string, unknown>),
          serverCpuSeconds: +serverCpuSeconds.toFixed(2),
        };
        process.stdout.write(`${JSON.stringify(result)}\n`);
      } finally {
        server.kill();
      }
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
