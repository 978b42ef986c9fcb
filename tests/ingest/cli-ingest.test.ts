import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { registerIngestCommands } from "../../src/cli/ingest.command";
import { hasSharedData, SKIP_REASON } from "../support/shared-data";
import { openTestStore, STORE_KIND, TEST_DATABASE_URL } from "../support/test-store";
import { fixture, recordedData } from "./support/ingest-fixtures";
import { fromArray, startReplayServer, type ReplayServer } from "./support/replay-server";

/**
 * `matgraph ingest` in-process (a fresh commander program with the ingest commands),
 * against the embedded store in a temporary directory or DATABASE_URL's PostgreSQL.
 */
const work = mkdtempSync(path.join(tmpdir(), "matgraph-ingest-cli-"));

async function run(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const program = new Command("matgraph").exitOverride();
  registerIngestCommands(program);
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(args, { from: "user" });
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr };
}

describe.skipIf(!hasSharedData)(`matgraph ingest on ${STORE_KIND}` + SKIP_REASON, () => {
  let server: ReplayServer;

  beforeAll(async () => {
    process.env["MATGRAPH_DATA_DIR"] = path.join(work, "pgdata");
    process.env["MP_API_KEY"] = "cli-secret-key-42";
    if (TEST_DATABASE_URL) await (await openTestStore()).close(); // a clean, migrated database
    server = await startReplayServer(recordedData());
    server.data.oqmd = fromArray(
      fixture("oqmd", "oqmdapi_formationenergy_data_rebuilt_matsciml_devset.json").slice(0, 30),
    );
  });
  afterAll(() => server.close());

  it("ingests OQMD from --base-url with --limit and prints one JSON summary with --json", async () => {
    const { stdout } = await run([
      "ingest",
      "oqmd",
      "--base-url",
      server.url,
      "--limit",
      "12",
      "--page-size",
      "5",
      "--json",
    ]);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({
      source: "OQMD",
      fetched: 12,
      inserted: 12,
      updated: 0,
      skipped: 0,
      status: "succeeded",
    });
    const again = JSON.parse((await run(["ingest", "oqmd", "--base-url", server.url, "--json"])).stdout);
    expect(again).toMatchObject({ fetched: 30, inserted: 18, unchanged: 12 });
  });

  it("reads a dump with --file and names each skipped record with its reason in the plain summary", async () => {
    const rows = fixture("jarvis", "dft_3d_rebuilt_from_leaderboard_benchmarks.json").slice(0, 5) as Array<
      Record<string, unknown>
    >;
    rows[2] = { ...rows[2], formula: "Xy2O3", atoms: undefined };
    const file = path.join(work, "dft_3d_sample.jsonl");
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n"));
    const { stdout, stderr } = await run(["ingest", "jarvis", "--file", file]);
    expect(stdout).toContain("fetched:   5");
    expect(stdout).toContain("inserted:  4");
    expect(stdout).toContain("skipped:   1");
    expect(stdout).toMatch(new RegExp(`${rows[2]!["jid"]}: formula "Xy2O3"`));
    expect(stdout).toContain("release dft_3d_sample");
    // Not a terminal here: progress comes as plain log lines on stderr, if at all, never a bar.
    expect(stderr).not.toContain("\r");
  });

  it("sends MP_API_KEY as X-API-KEY and never prints it", async () => {
    const { stdout, stderr } = await run(["ingest", "mp", "--base-url", server.url, "--page-size", "10"]);
    expect(stdout).toContain("inserted:  24");
    expect(server.headers[server.headers.length - 1]!["x-api-key"]).toBe("cli-secret-key-42");
    server.inject(() => true, { kind: "500" }, 2);
    const retried = await run(["ingest", "mp", "--base-url", server.url, "--page-size", "10", "--limit", "3"]);
    expect(retried.stderr).toMatch(/retrying .*materials\/summary.* HTTP 500/);
    expect(`${stdout}${stderr}${retried.stdout}${retried.stderr}`).not.toContain("cli-secret-key-42");
  });
});
