import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import { loadConfig } from "../src/config";
import { startHttpServer } from "../src/http/app";
import { openStore } from "../src/store/data-source";
import { ensureDatabase } from "./support/bench-database";

/**
 * bench:export — streams `/export/materials.csv` and `/export/materials.jsonl`
 * over HTTP from a real PostgreSQL holding at least BENCH_EXPORT_ROWS
 * (default 1 000 000) material × source rows, and reports one JSON line per
 * format: rows, seconds, rows per second and the peak resident memory of the
 * server process sampled while it streamed (target: under 300 MB).
 *
 * The server runs in a child process (this file with the argument `serve`) so
 * that its memory is measured alone, not with the client's. DATABASE_URL picks
 * the database (default: `matgraph_bench_export` on the local PostgreSQL,
 * created when missing). The rows are generated in SQL (generate_series):
 * two-element materials, each with an MP and an AFLOW entry carrying a bulk
 * modulus and a band gap.
 */
const DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/matgraph_bench_export";
const SAMPLE_MS = 50;

/** Sorted element pairs; material i uses pair i mod 20, so formulas stay unique. */
const PAIRS = [
  ["Al", "O"],
  ["Cu", "S"],
  ["Fe", "O"],
  ["Mg", "Si"],
  ["Ni", "Ti"],
  ["Ga", "N"],
  ["Li", "O"],
  ["Co", "Sb"],
  ["Ba", "Ti"],
  ["Ca", "F"],
  ["Na", "S"],
  ["Mo", "S"],
  ["W", "Zr"],
  ["Ag", "Se"],
  ["Bi", "Te"],
  ["In", "P"],
  ["Cr", "N"],
  ["Sn", "Zn"],
  ["K", "Br"],
  ["Pb", "Te"],
] as const;

async function fill(databaseUrl: string, wantedRows: number): Promise<number> {
  const store = await openStore({ databaseUrl, migrate: true });
  const ds = store.dataSource;
  try {
    const count = async (): Promise<number> =>
      (
        (await ds.query(
          `SELECT count(*)::int AS n FROM (SELECT 1 FROM entries GROUP BY material_id, source) t`,
        )) as Array<{ n: number }>
      )[0]!.n;
    let rows = await count();
    if (rows < wantedRows) {
      const materials = Math.ceil((wantedRows - rows) / 2);
      const started = Date.now();
      process.stderr.write(`generating ${materials} materials × 2 sources …\n`);
      const [{ first, lastEntry }] = (await ds.query(
        `SELECT (SELECT coalesce(max(id), 0) + 1 FROM materials) AS first, (SELECT coalesce(max(id), 0) FROM entries) AS "lastEntry"`,
      )) as [{ first: number; lastEntry: number }];
      const pairs = PAIRS.map(([a, b], k) => `(${k}, '${a}', '${b}')`).join(", ");
      await ds.query(
        `INSERT INTO materials (formula, elements, nelements, chemsys, formula_anonymous)
         SELECT p.a || (g.i + 1) || p.b || (g.i + 2), ARRAY[p.a, p.b], 2, p.a || '-' || p.b, 'A' || (g.i + 2) || 'B' || (g.i + 1)
         FROM generate_series($1::int, $1::int + $2::int - 1) AS g(i)
         JOIN (VALUES ${pairs}) AS p(k, a, b) ON p.k = g.i % ${PAIRS.length}
         ON CONFLICT (formula) DO NOTHING`,
        [first, materials],
      );
      await ds.query(
        `INSERT INTO entries (source, source_id, material_id, method, functional)
         SELECT s.source, lower(s.source) || '-bench-' || m.id, m.id, 'DFT', 'PBE'
         FROM materials m CROSS JOIN (VALUES ('MP'), ('AFLOW')) AS s(source)
         WHERE m.id >= $1
         ON CONFLICT (source, source_id) DO NOTHING`,
        [first],
      );
      await ds.query(
        `INSERT INTO properties (entry_id, material_id, source, key, value, unit, method)
         SELECT e.id, e.material_id, e.source, 'BULK_MODULUS_VRH', 50 + (e.id * 37) % 250, 'GPa', 'VRH' FROM entries e WHERE e.id > $1
         UNION ALL
         SELECT e.id, e.material_id, e.source, 'BAND_GAP', ((e.id * 13) % 40) / 10.0, 'eV', '' FROM entries e WHERE e.id > $1`,
        [lastEntry],
      );
      await ds.query(`ANALYZE`);
      rows = await count();
      process.stderr.write(
        `store holds ${rows} material × source rows (generated in ${(Date.now() - started) / 1000} s)\n`,
      );
    }
    return rows;
  } finally {
    await store.close();
  }
}

/** Child mode: the server alone, reporting its port to the parent. */
async function serve(): Promise<void> {
  const store = await openStore({ databaseUrl: process.env["DATABASE_URL"] ?? DEFAULT_URL });
  const server = await startHttpServer(
    store.dataSource,
    loadConfig({ PORT: "0", HOST: "127.0.0.1", NODE_ENV: "production" }),
  );
  process.on("message", (message) => {
    if (message !== "stop") return;
    void server
      .stop()
      .then(() => store.close())
      .then(() => process.exit(0));
  });
  process.send?.({ port: server.port });
}

function rssMB(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kB = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return kB / 1024;
}

/** Streams one export to nowhere, counting lines; samples the server's RSS meanwhile. */
function download(
  url: string,
  pid: number,
): Promise<{ lines: number; bytes: number; seconds: number; peakRssMB: number }> {
  return new Promise((resolve, reject) => {
    let peak = rssMB(pid, "VmRSS");
    const timer = setInterval(() => {
      peak = Math.max(peak, rssMB(pid, "VmRSS"));
    }, SAMPLE_MS);
    const started = process.hrtime.bigint();
    http
      .get(url, (res) => {
        if (res.statusCode !== 200) {
          clearInterval(timer);
          reject(new Error(`${url} answered ${res.statusCode}`));
          res.resume();
          return;
        }
        let lines = 0;
        let bytes = 0;
        res.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
        });
        res.on("end", () => {
          clearInterval(timer);
          peak = Math.max(peak, rssMB(pid, "VmRSS"));
          resolve({ lines, bytes, seconds: Number(process.hrtime.bigint() - started) / 1e9, peakRssMB: peak });
        });
        res.on("error", (error) => {
          clearInterval(timer);
          reject(error);
        });
      })
      .on("error", (error) => {
        clearInterval(timer);
        reject(error);
      });
  });
}

async function main(): Promise<void> {
  const databaseUrl = process.env["DATABASE_URL"] || DEFAULT_URL;
  const wantedRows = Number(process.env["BENCH_EXPORT_ROWS"] ?? 1_000_000);
  await ensureDatabase(databaseUrl);
  const storeRows = await fill(databaseUrl, wantedRows);

  const child: ChildProcess = fork(__filename, ["serve"], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", 2, 2, "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`server exited with code ${code}`)));
  });
  const pid = child.pid as number;
  try {
    const idleRssMB = rssMB(pid, "VmRSS");
    const query = "keys=BULK_MODULUS_VRH,BAND_GAP";
    for (const format of ["csv", "jsonl"] as const) {
      const r = await download(`http://127.0.0.1:${port}/export/materials.${format}?${query}`, pid);
      const rows = format === "csv" ? r.lines - 1 : r.lines;
      process.stdout.write(
        `${JSON.stringify({
          format,
          rows,
          seconds: Number(r.seconds.toFixed(2)),
          rowsPerSecond: Math.round(rows / r.seconds),
          peakRssMB: Number(r.peakRssMB.toFixed(1)),
          idleRssMB: Number(idleRssMB.toFixed(1)),
          serverPeakRssSinceStartMB: Number(rssMB(pid, "VmHWM").toFixed(1)),
          megabytes: Number((r.bytes / 1e6).toFixed(1)),
          storeRows,
          store: "postgresql",
        })}\n`,
      );
    }
  } finally {
    child.send("stop");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

const run = process.argv[2] === "serve" ? serve : main;
run().catch((error: unknown) => {
  process.stderr.write(
    `bench:export failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
