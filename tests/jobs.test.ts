import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { loadConfig } from "../src/config";
import { canonicalUnitOf, PropertyKey } from "../src/domain/property-key";
import { Source } from "../src/domain/source";
import { isotropicElastic, solveCantilever } from "../src/engine/fem";
import { startJobSystem, type JobSystem } from "../src/jobs/platform";
import { writeEntries } from "../src/services/entry-writer";
import { hasSharedFile, sharedData, SKIP_REASON } from "./support/shared-data";
import { startTestServer, type TestServer } from "./support/test-server";
import { openTestStore, STORE_KIND, type TestStore } from "./support/test-store";

/**
 * On-demand simulation through the real endpoint: mutations over HTTP, progress
 * over WebSocket (graphql-ws), jobs run by real workers (in-process, and a child
 * process that is killed mid-job).
 */
const ADMIN = { authorization: "Bearer test-admin-token" };
const env = {
  MATGRAPH_POTENTIALS_DIR: sharedData("potentials"),
  MATGRAPH_JOB_MAINTENANCE_SECONDS: "1",
  MATGRAPH_JOB_EXPIRE_SECONDS: "10",
  MATGRAPH_JOB_POLL_MS: "500",
  MATGRAPH_MAX_JOBS_PER_CLIENT: "10",
};
const BIN = path.resolve(__dirname, "..", "bin", "matgraph.js");

interface JobJson {
  id: string;
  state: string;
  progress: number;
  attempts: number;
  result: Record<string, number> | null;
  input: Record<string, unknown>;
  error: string | null;
}
const JOB_FIELDS = "id state progress attempts result input error";

describe(`jobs on ${STORE_KIND}`, () => {
  let store: TestStore;
  let system: JobSystem;
  let t: TestServer;
  let ws: Client;

  beforeAll(async () => {
    store = await openTestStore();
    const config = loadConfig(env);
    system = await startJobSystem(store, config.jobs, false);
    t = await startTestServer(env, store, system);
    ws = createClient({ url: `ws://127.0.0.1:${t.server.port}/graphql`, webSocketImpl: WebSocket, lazy: true });
    await store.dataSource.transaction((m) =>
      writeEntries(m, [
        {
          source: Source.AFLOW,
          sourceId: "aflow:cu-test",
          formula: "Cu",
          properties: [
            { key: PropertyKey.BULK_MODULUS_VRH, value: 144, unit: canonicalUnitOf(PropertyKey.BULK_MODULUS_VRH) },
            { key: PropertyKey.SHEAR_MODULUS_VRH, value: 48, unit: "GPa" },
          ],
        },
      ]),
    );
  });
  afterAll(async () => {
    await ws?.dispose();
    await t?.close();
    await system?.stop();
    await store?.close();
  });

  const simulate = (input: Record<string, unknown>, headers: Record<string, string> = ADMIN) =>
    t.gql<{ simulate: JobJson }>(
      `mutation($input: SimulateInput!) { simulate(input: $input) { ${JOB_FIELDS} } }`,
      { input },
      headers,
    );

  /** Collects jobUpdated events over WebSocket until the job ends. */
  function follow(id: string): Promise<JobJson[]> {
    return new Promise((resolve, reject) => {
      const events: JobJson[] = [];
      ws.subscribe<{ jobUpdated: JobJson }>(
        { query: `subscription($id: ID!) { jobUpdated(id: $id) { ${JOB_FIELDS} } }`, variables: { id } },
        {
          next: (m) => (m.data ? events.push(m.data.jobUpdated) : reject(new Error(JSON.stringify(m.errors)))),
          error: reject,
          complete: () => resolve(events),
        },
      );
    });
  }

  async function jobState(id: string): Promise<JobJson> {
    const res = await t.gql<{ job: JobJson }>(`query($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`, { id });
    if (!res.data?.job) throw new Error(`job ${id} could not be read: ${JSON.stringify(res.errors)}`);
    return res.data.job;
  }

  async function waitFor(id: string, predicate: (j: JobJson) => boolean, timeoutMs = 60_000): Promise<JobJson> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const job = await jobState(id);
      if (predicate(job)) return job;
      if (Date.now() > until) throw new Error(`job ${id} still ${job.state}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const countSimulationEntries = async () =>
    (await store.dataSource.query(`SELECT count(*)::int AS n FROM entries WHERE source = 'SIMULATION'`))[0].n as number;

  const cantilever = {
    kind: "FEM_CANTILEVER",
    formula: "Cu",
    fem: { elasticFrom: { source: "AFLOW" }, elements: "20x2x2", element: "hex8i", load: 500 },
  };

  it("refuses mutations without an operator token", async () => {
    const res = await simulate(cantilever, {});
    expect(res.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const wrong = await simulate(cantilever, { authorization: "Bearer nope" });
    expect(wrong.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await countSimulationEntries()).toBe(0);
  });

  it("refuses bad simulation requests, naming the problem", async () => {
    const noSource = await simulate({ ...cantilever, fem: { elasticFrom: { source: "MP" } } });
    expect(noSource.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(noSource.errors?.[0]?.message).toContain("MP has no Young's modulus");
    const tooBig = await simulate({ ...cantilever, fem: { ...cantilever.fem, elements: "400x40x40" } });
    expect(tooBig.errors?.[0]?.message).toContain("exceed this server's limit");
    const badPotential = await simulate({ kind: "MD_ELASTIC", formula: "Cu", md: { potential: "../etc/passwd" } });
    expect(badPotential.errors?.[0]?.message).toContain("potential must be a file name");
  });

  it("runs a FEM job fed by a database value: progress streams, the result lands, a repeat reuses it", async () => {
    const worker = await startJobSystem(store, loadConfig(env).jobs, true);
    try {
      const res = await simulate(cantilever);
      expect(res.errors).toBeUndefined();
      const job = res.data!.simulate;
      expect(["QUEUED", "RUNNING"]).toContain(job.state);
      const events = await follow(job.id);
      expect(events.length).toBeGreaterThanOrEqual(2);
      expect(events.at(-1)!.state).toBe("SUCCEEDED");
      expect(events.some((e) => e.state === "RUNNING" || e.state === "QUEUED")).toBe(true);
      const done = events.at(-1)!;

      // The engine on the same inputs: E and ν from AFLOW's K = 144, G = 48 GPa.
      const K = 144e9;
      const G = 48e9;
      const E = (9 * K * G) / (3 * K + G);
      const nu = (3 * K - 2 * G) / (2 * (3 * K + G));
      const direct = solveCantilever({
        lengthM: 1,
        widthM: 0.05,
        heightM: 0.05,
        loadN: 500,
        cells: [20, 2, 2],
        element: "hex8i",
        material: isotropicElastic({ youngsModulusPa: E, poissonRatio: nu }),
        referenceYoungsModulusPa: E,
        referencePoissonRatio: nu,
      });
      expect(done.result!["tipDeflectionM"]).toBeCloseTo(direct.tipDeflectionM, 9);
      expect(done.input["elasticProvenance"]).toMatchObject({
        from: "source",
        source: "AFLOW",
        sourceIds: ["aflow:cu-test"],
      });

      const props = await t.gql<{
        materialByFormula: { properties: Array<{ source: string; method: string; value: number }> };
      }>(`{ materialByFormula(formula: "Cu") { properties(keys: [YOUNGS_MODULUS]) { source method value } } }`);
      expect(props.data!.materialByFormula.properties).toEqual([
        { source: "SIMULATION", method: "FEM-hex8i:cantilever", value: done.result!["apparentYoungsModulusGPa"] },
      ]);

      const jobsBefore = (await store.dataSource.query(`SELECT count(*)::int AS n FROM jobs`))[0].n;
      const again = await simulate({
        ...cantilever,
        fem: { load: 500, element: "hex8i", elements: "20x2x2", elasticFrom: { source: "AFLOW" } },
      });
      expect(again.data!.simulate).toMatchObject({ id: job.id, state: "SUCCEEDED" });
      expect((await store.dataSource.query(`SELECT count(*)::int AS n FROM jobs`))[0].n).toBe(jobsBefore);
    } finally {
      await worker.stop();
    }
  });

  const plate = {
    kind: "FEM_PLATE_WITH_HOLE",
    formula: "Cu",
    fem: {
      elasticFrom: { source: "AFLOW" },
      widthM: 0.2,
      holeRadiusM: 0.01,
      thicknessM: 0.002,
      elements: "16x12x1",
      load: 50e6,
    },
  };

  it("runs a plate-with-hole job: the stress concentration factor is Kirsch's 3 for an isotropic plate", async () => {
    const odd = await simulate({ ...plate, fem: { ...plate.fem, elements: "15x12x1" } });
    expect(odd.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(odd.errors?.[0]?.message).toContain("angular count even");
    const bigHole = await simulate({ ...plate, fem: { ...plate.fem, holeRadiusM: 0.1 } });
    expect(bigHole.errors?.[0]?.message).toContain("must be smaller than half the plate's width");

    const worker = await startJobSystem(store, loadConfig(env).jobs, true);
    try {
      const before = await countSimulationEntries();
      const res = await simulate(plate);
      expect(res.errors).toBeUndefined();
      const done = await waitFor(
        res.data!.simulate.id,
        (j) => j.state === "SUCCEEDED" || j.state === "FAILED",
        120_000,
      );
      expect(done.error).toBeNull();
      expect(done.input).toMatchObject({
        halfWidthM: 0.1,
        holeRadiusM: 0.01,
        tractionPa: 50e6,
        elasticProvenance: { from: "source", source: "AFLOW" },
      });
      const r = done.result!;
      // W/a = 10: the finite width adds about 1 % to the infinite plate's 3.
      expect(r["referenceStressConcentrationFactor"]).toBe(3);
      expect(Math.abs(r["stressConcentrationFactor"]! / 3 - 1)).toBeLessThan(0.05);
      expect(r["holeEdgeStressPa"]).toBeCloseTo(r["stressConcentrationFactor"]! * 50e6, 0);
      // The hole's edge is in uniaxial hoop stress, so von Mises there is about the same.
      expect(r["maxVonMisesPa"]! / r["holeEdgeStressPa"]!).toBeGreaterThan(0.95);
      expect(r["maxVonMisesPa"]! / r["holeEdgeStressPa"]!).toBeLessThan(1.1);
      // A geometry's factor is no material property: the job result holds it, nothing else is written.
      expect(await countSimulationEntries()).toBe(before);
    } finally {
      await worker.stop();
    }
  });

  it("a cancelled job ends with nothing stored", async () => {
    const worker = await startJobSystem(store, loadConfig(env).jobs, true);
    try {
      const before = await countSimulationEntries();
      const res = await simulate({ ...cantilever, fem: { ...cantilever.fem, elements: "60x6x6", element: "hex20" } });
      const job = res.data!.simulate;
      await waitFor(job.id, (j) => j.state === "RUNNING");
      const cancelled = await t.gql<{ cancelJob: JobJson }>(
        `mutation($id: ID!) { cancelJob(id: $id) { state } }`,
        { id: job.id },
        ADMIN,
      );
      expect(cancelled.data!.cancelJob.state).toBe("CANCELLED");
      await new Promise((r) => setTimeout(r, 2000)); // past the worker's next ownership check
      expect((await jobState(job.id)).state).toBe("CANCELLED");
      expect(await countSimulationEntries()).toBe(before);
      const twice = await t.gql(`mutation($id: ID!) { cancelJob(id: $id) { state } }`, { id: job.id }, ADMIN);
      expect(twice.errors?.[0]?.message).toContain("has already ended");
    } finally {
      await worker.stop();
    }
  });

  const potential = ["potentials", "Cu_u3.eam"] as const;
  it.skipIf(!hasSharedFile(...potential))(
    `chains MD elastic constants into FEM, both stored with provenance${SKIP_REASON}`,
    async () => {
      const worker = await startJobSystem(store, loadConfig(env).jobs, true);
      try {
        const md = await simulate({
          kind: "MD_ELASTIC",
          formula: "Cu",
          md: { potential: "Cu_u3.eam", lattice: "fcc", a0: 3.615, repeat: [3, 3, 3] },
        });
        expect(md.errors).toBeUndefined();
        const mdDone = await waitFor(
          md.data!.simulate.id,
          (j) => j.state === "SUCCEEDED" || j.state === "FAILED",
          120_000,
        );
        expect(mdDone.error).toBeNull();
        expect(mdDone.state).toBe("SUCCEEDED");
        const r = mdDone.result!;
        expect(r["C11GPa"]).toBeGreaterThan(r["C12GPa"]!);
        expect(r["bulkModulusGPa"]).toBeCloseTo((r["C11GPa"]! + 2 * r["C12GPa"]!) / 3, 6);
        expect(mdDone.input).toMatchObject({ potentialFile: "Cu_u3.eam", element: "Cu", atoms: 108 });

        const stored = await t.gql<{
          materialByFormula: { properties: Array<{ key: string; value: number | null; method: string }> };
        }>(
          `{ materialByFormula(formula: "Cu") { properties(keys: [BULK_MODULUS_VRH, ELASTIC_TENSOR], sources: [SIMULATION]) { key value method } } }`,
        );
        const bulk = stored.data!.materialByFormula.properties.find((p) => p.key === "BULK_MODULUS_VRH");
        expect(bulk).toEqual({ key: "BULK_MODULUS_VRH", value: r["bulkModulusGPa"], method: "MD-EAM:Cu_u3.eam" });

        const fem = await simulate({ ...cantilever, fem: { ...cantilever.fem, elasticFrom: { jobId: mdDone.id } } });
        expect(fem.errors).toBeUndefined();
        const femDone = await waitFor(fem.data!.simulate.id, (j) => j.state === "SUCCEEDED", 60_000);
        expect(femDone.input["elastic"]).toMatchObject({ type: "cubic", C11Pa: r["C11GPa"]! * 1e9 });
        expect(femDone.input["elasticProvenance"]).toMatchObject({ from: "job", jobId: mdDone.id });

        // The same MD constants in a plate with a hole: a cubic crystal loaded along [100]
        // concentrates stress as Lekhnitskii's orthotropic solution says, not as Kirsch's.
        const plateJob = await simulate({ ...plate, fem: { ...plate.fem, elasticFrom: { jobId: mdDone.id } } });
        expect(plateJob.errors).toBeUndefined();
        const plateDone = await waitFor(
          plateJob.data!.simulate.id,
          (j) => j.state === "SUCCEEDED" || j.state === "FAILED",
          120_000,
        );
        expect(plateDone.error).toBeNull();
        const [c11, c12, c44] = [r["C11GPa"]!, r["C12GPa"]!, r["C44GPa"]!];
        const lekhnitskii =
          1 + Math.sqrt(2 * (1 - c12 / (c11 + c12)) + ((c11 - c12) * (c11 + 2 * c12)) / (c11 + c12) / c44);
        expect(plateDone.result!["referenceStressConcentrationFactor"]).toBeCloseTo(lekhnitskii, 10);
        expect(Math.abs(lekhnitskii - 3)).toBeGreaterThan(0.2);
        expect(Math.abs(plateDone.result!["stressConcentrationFactor"]! / lekhnitskii - 1)).toBeLessThan(0.05);
      } finally {
        await worker.stop();
      }
    },
  );

  let child: ChildProcess | undefined;
  afterAll(() => child?.kill("SIGKILL"));

  it("a worker killed mid-job leaves the job to be retried, and it finishes once", async () => {
    const before = await countSimulationEntries();
    child = spawn(process.execPath, [BIN, "worker"], {
      env: { ...process.env, ...env, DATABASE_URL: store.url, MATGRAPH_JOB_MAINTENANCE_SECONDS: "60" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("worker did not start")), 60_000);
      child!.stdout!.on(
        "data",
        (d: Buffer) => d.toString().includes("worker running") && (clearTimeout(timer), resolve()),
      );
    });
    const res = await simulate({
      ...cantilever,
      fem: { ...cantilever.fem, elements: "30x3x3", element: "hex20", load: 321 },
    });
    const job = res.data!.simulate;
    await waitFor(job.id, (j) => j.state === "RUNNING" && j.attempts === 1);
    child.kill("SIGKILL");
    const worker = await startJobSystem(store, loadConfig(env).jobs, true);
    try {
      const done = await waitFor(job.id, (j) => j.state === "SUCCEEDED", 120_000);
      expect(done.attempts).toBe(2);
      expect(await countSimulationEntries()).toBe(before + 1);
    } finally {
      await worker.stop();
    }
  });
});
