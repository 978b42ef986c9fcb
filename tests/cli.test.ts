import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, STORE_KIND, TEST_DATABASE_URL } from "./support/test-store";

/**
 * The CLI as a user runs it: the compiled `bin/matgraph.js` in a child process
 * (npm test builds first), against the embedded store in a temporary directory
 * or the PostgreSQL of DATABASE_URL.
 */
const BIN = path.resolve(__dirname, "..", "bin", "matgraph.js");
const work = mkdtempSync(path.join(tmpdir(), "matgraph-cli-"));
const env = {
  ...process.env,
  MATGRAPH_DATA_DIR: path.join(work, "pgdata"),
  ...(TEST_DATABASE_URL ? { DATABASE_URL: TEST_DATABASE_URL } : {}),
};

function run(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { env, encoding: "utf8", timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe(`matgraph CLI on ${STORE_KIND}`, () => {
  beforeAll(async () => {
    if (TEST_DATABASE_URL) await (await openTestStore()).close(); // a clean, migrated database
  });

  it("lists its commands", () => {
    const { code, stdout } = run(["--help"]);
    expect(code).toBe(0);
    for (const command of ["serve", "migrate", "import", "sources", "schema"]) expect(stdout).toContain(command);
  });

  it("migrates, then says it is up to date", () => {
    const first = run(["migrate"]);
    expect(first.code).toBe(0);
    expect(run(["migrate"]).stdout).toContain("database is up to date");
  });

  it("imports a CSV, reports bad rows by line and re-imports without duplicates", () => {
    const dir = path.join(work, "demo_gap");
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "val.csv");
    writeFileSync(file, "formula,target\nGaAs,1.42\nSi,1.12\nBad1,3\nGaN,\n");
    const first = run(["import", "csv", file, "--source", "USER", "--property", "BAND_GAP", "--method", "expt"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("rows read: 4");
    expect(first.stdout).toContain("inserted:  2");
    expect(first.stdout).toMatch(
      /line 4: invalid formula "Bad1": element symbols start with a capital letter|line 4: invalid formula "Bad1"/,
    );
    expect(first.stdout).toContain('line 5: value "" is not a number');

    const again = run([
      "import",
      "csv",
      file,
      "--source",
      "USER",
      "--property",
      "BAND_GAP",
      "--method",
      "expt",
      "--json",
    ]);
    const summary = JSON.parse(again.stdout);
    expect(summary).toMatchObject({ rows: 4, inserted: 0, unchanged: 2 });
    expect(summary.skipped).toHaveLength(2);

    const sources = JSON.parse(run(["sources", "--json"]).stdout);
    expect(sources.find((s: { source: string }) => s.source === "USER").entryCount).toBe(2);
  });

  it("refuses an unknown property or source with the allowed choices", () => {
    const bad = run(["import", "csv", "x.csv", "--source", "USER", "--property", "BANDGAP"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("BANDGAP");
    expect(bad.stderr).toContain("BAND_GAP");
  });

  it("prints the schema as SDL", () => {
    const { code, stdout } = run(["schema"]);
    expect(code).toBe(0);
    expect(stdout).toContain("type Material");
    expect(stdout).toContain("materials(");
  });

  let server: ReturnType<typeof spawn> | undefined;
  afterAll(() => {
    server?.kill("SIGKILL");
  });

  it("serves the API, prints the endpoint and stops on SIGTERM", async () => {
    server = spawn(process.execPath, [BIN, "serve", "--port", "0"], { env: { ...env, HOST: "127.0.0.1" } });
    const endpoint = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`no endpoint printed: ${out}`)), 60_000);
      server!.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = out.match(/ready at (http:\/\/\S+)/);
        if (match) {
          clearTimeout(timer);
          resolve(match[1] as string);
        }
      });
    });
    const res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `{ materialByFormula(formula: "AsGa") { formula properties { value unit source } } }`,
      }),
    });
    const body = (await res.json()) as { data: { materialByFormula: unknown } };
    expect(body.data.materialByFormula).toEqual({
      formula: "AsGa",
      properties: [{ value: 1.42, unit: "eV", source: "USER" }],
    });
    const exited = new Promise<number | null>((resolve) => server!.once("exit", (code) => resolve(code)));
    server.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
