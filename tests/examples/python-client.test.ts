import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { PropertyKey } from "../../src/domain/property-key";
import { Source } from "../../src/domain/source";
import { startJobSystem, type JobSystem } from "../../src/jobs/platform";
import { importCsv } from "../../src/services/csv-import.service";
import { hasSharedData, sharedData } from "../support/shared-data";
import { startTestServer, type TestServer } from "../support/test-server";
import { openTestStore, STORE_KIND, type TestStore } from "../support/test-store";

/**
 * The notebook client as a user runs it: examples/example.py (requests + pandas)
 * against a live server holding the AFLOW and MP bulk-modulus benchmark files.
 */
const PYTHON = "/usr/bin/python3";
const hasPython = spawnSync(PYTHON, ["-c", "import pandas, requests"], { encoding: "utf8" }).status === 0;
const reason = !hasPython
  ? " [skipped: /usr/bin/python3 with pandas and requests not found (apt-get install python3-pandas python3-requests)]"
  : !hasSharedData
    ? " [skipped: shared data not found beside the checkout]"
    : "";

describe.skipIf(reason !== "")(`Python client example on ${STORE_KIND}${reason}`, () => {
  let store: TestStore;
  let jobs: JobSystem;
  let t: TestServer;
  beforeAll(async () => {
    store = await openTestStore();
    jobs = await startJobSystem(store, loadConfig({}).jobs, true);
    t = await startTestServer({}, store, jobs);
    const crabnet = (task: string) => sharedData("benchmarks", "crabnet", task, "train.csv");
    await importCsv(store.dataSource, {
      file: crabnet("aflow__ael_bulk_modulus_vrh"),
      source: Source.AFLOW,
      key: PropertyKey.BULK_MODULUS_VRH,
      method: "AEL",
    });
    await importCsv(store.dataSource, {
      file: crabnet("aflow__ael_shear_modulus_vrh"),
      source: Source.AFLOW,
      key: PropertyKey.SHEAR_MODULUS_VRH,
      method: "AEL",
    });
    await importCsv(store.dataSource, {
      file: crabnet("mp_bulk_modulus"),
      source: Source.MP,
      key: PropertyKey.BULK_MODULUS_VRH,
    });
  });
  afterAll(async () => {
    await t?.close();
    await jobs?.stop();
    await store?.close();
  });

  it("compares a property across sources in a DataFrame and runs a simulation", async () => {
    // Asynchronously: the server answering the script lives in this process.
    const result = await promisify(execFile)(
      PYTHON,
      [path.join("examples", "example.py"), `http://127.0.0.1:${t.server.port}/graphql`, "test-admin-token"],
      {
        cwd: path.resolve(__dirname, "..", ".."),
        encoding: "utf8",
        timeout: 300_000,
        env: { ...process.env, PYTHONPATH: "examples" },
      },
    );
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(
      /bulk modulus in both AFLOW and MP: \d+ compositions, median \|AFLOW - MP\| = [\d.]+ GPa/,
    );
    expect(result.stdout).toContain("unknown element refused: BAD_USER_INPUT");
    expect(result.stdout).toMatch(/tip deflection \d\.\d+e-\d+ m/);
  });
});
