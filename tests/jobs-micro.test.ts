import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { PropertyKey } from "../src/domain/property-key";
import { Source } from "../src/domain/source";
import { solveComposite, solvePolycrystal } from "../src/engine/micro";
import { startJobSystem, type JobSystem } from "../src/jobs/platform";
import { writeEntries } from "../src/services/entry-writer";
import { startTestServer, type TestServer } from "./support/test-server";
import { openTestStore, STORE_KIND, type TestStore } from "./support/test-store";

/**
 * The mesoscale kinds of `simulate` through the real endpoint: a polycrystal fed by a
 * database's elastic tensor (its moduli stored as the material's properties, its
 * microstructure offered as MESOSCALE descriptors), and the composite → impact chain where
 * the plate's material is the composite job's effective properties. Compute threads run
 * from dist/: build first (`npx tsc -p tsconfig.json`).
 */
const ADMIN = { authorization: "Bearer test-admin-token" };
const env = {
  MATGRAPH_JOB_MAINTENANCE_SECONDS: "1",
  MATGRAPH_JOB_EXPIRE_SECONDS: "30",
  MATGRAPH_JOB_POLL_MS: "500",
  MATGRAPH_MAX_JOBS_PER_CLIENT: "10",
  MATGRAPH_MAX_DOFS: "200000",
};

// Copper, Simmons & Wang (GPa): a strongly anisotropic cubic crystal (Zener ratio ≈ 3.2).
const [C11, C12, C44] = [168.4, 121.4, 75.4];
const cubicTensorGPa = (): number[] => {
  const C = new Array<number>(36).fill(0);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) C[6 * i + j] = i === j ? C11 : C12;
    C[6 * (i + 3) + (i + 3)] = C44;
  }
  return C;
};

interface JobJson {
  id: string;
  kind: string;
  state: string;
  progress: number;
  result: Record<string, unknown> | null;
  input: Record<string, unknown>;
  error: string | null;
}
const JOB_FIELDS = "id kind state progress result input error";

describe(`mesoscale and impact jobs on ${STORE_KIND}`, () => {
  let store: TestStore;
  let system: JobSystem;
  let t: TestServer;

  beforeAll(async () => {
    store = await openTestStore();
    system = await startJobSystem(store, loadConfig(env).jobs, true);
    t = await startTestServer(env, store, system);
    await store.dataSource.transaction((m) =>
      writeEntries(m, [
        {
          source: Source.MP,
          sourceId: "mp-cu-micro-test",
          formula: "Cu",
          properties: [{ key: PropertyKey.ELASTIC_TENSOR, values: cubicTensorGPa(), unit: "GPa" }],
        },
      ]),
    );
  });
  afterAll(async () => {
    await t?.close();
    await system?.stop();
    await store?.close();
  });

  const simulate = (input: Record<string, unknown>) =>
    t.gql<{ simulate: JobJson }>(
      `mutation($input: SimulateInput!) { simulate(input: $input) { ${JOB_FIELDS} } }`,
      { input },
      ADMIN,
    );

  async function waitFor(id: string, predicate: (job: JobJson) => boolean, timeoutMs = 120_000): Promise<JobJson> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const res = await t.gql<{ job: JobJson }>(`query($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`, { id });
      const job = res.data?.job;
      if (!job) throw new Error(`job ${id} could not be read: ${JSON.stringify(res.errors)}`);
      if (predicate(job)) return job;
      if (Date.now() > until) throw new Error(`job ${id} still ${job.state}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const finished = (id: string) => waitFor(id, (j) => ["SUCCEEDED", "FAILED", "CANCELLED"].includes(j.state));

  async function run(input: Record<string, unknown>): Promise<JobJson> {
    const res = await simulate(input);
    expect(res.errors).toBeUndefined();
    const done = await finished(res.data!.simulate.id);
    expect(done.error).toBeNull();
    expect(done.state).toBe("SUCCEEDED");
    return done;
  }

  interface MaterialView {
    simulated: Array<{ id: string; kind: string }>;
    properties: Array<{ key: string; source: string; method: string; value: number }>;
    descriptors: {
      set: string;
      entryId: string;
      features: Array<{ name: string; unit: string }>;
      values: Array<number | null>;
      cached: boolean;
    } | null;
  }
  const readCopper = async (): Promise<MaterialView> => {
    const res = await t.gql<{ materialByFormula: MaterialView }>(
      `{ materialByFormula(formula: "Cu") {
          simulated { id kind }
          properties(keys: [BULK_MODULUS_VRH, SHEAR_MODULUS_VRH]) { key source method value }
          descriptors(set: MESOSCALE) { set entryId features { name unit } values cached }
        } }`,
    );
    expect(res.errors).toBeUndefined();
    return res.data!.materialByFormula;
  };

  const polycrystal = {
    kind: "MICRO_POLYCRYSTAL",
    formula: "Cu",
    polycrystal: { elasticFrom: { source: "MP" }, grains: 8, voxels: 12, seed: 3 },
  };

  it("refuses bad mesoscale and impact requests, naming what is wrong", async () => {
    const unstable = await simulate({ ...polycrystal, polycrystal: { c11GPa: 100, c12GPa: 120, c44GPa: 50 } });
    expect(unstable.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(unstable.errors?.[0]?.message).toContain("not a stable cubic crystal");
    const partial = await simulate({ ...polycrystal, polycrystal: { c11GPa: 100, c12GPa: 60 } });
    expect(partial.errors?.[0]?.message).toContain("all three of c11GPa, c12GPa and c44GPa");
    // 200 000 degrees of freedom allow at most 40³ voxels.
    const huge = await simulate({ ...polycrystal, polycrystal: { ...polycrystal.polycrystal, voxels: 64 } });
    expect(huge.errors?.[0]?.message).toContain("polycrystal.voxels must be an integer between 4 and 40");
    const noTensor = await simulate({ ...polycrystal, polycrystal: { elasticFrom: { source: "AFLOW" } } });
    expect(noTensor.errors?.[0]?.message).toContain("AFLOW has no elastic tensor for Cu");
    const missing = await simulate({ kind: "MICRO_COMPOSITE" });
    expect(missing.errors?.[0]?.message).toContain("needs a composite input");
    const fraction = await simulate({
      kind: "MICRO_COMPOSITE",
      composite: {
        matrix: { youngsModulusPa: 3e9, poissonRatio: 0.35 },
        inclusion: { youngsModulusPa: 70e9, poissonRatio: 0.6 },
        volumeFraction: 0.2,
      },
    });
    expect(fraction.errors?.[0]?.message).toContain("composite.inclusion.poissonRatio must lie in (-1, 0.5)");
    const oddMesh = await simulate({
      kind: "FEM_IMPACT",
      impact: { youngsModulusPa: 3e9, densityKgM3: 1200, elements: "9x8x2" },
    });
    expect(oddMesh.errors?.[0]?.message).toContain("must be even");
    const longRun = await simulate({
      kind: "FEM_IMPACT",
      impact: { youngsModulusPa: 3e9, densityKgM3: 1200, durationS: 10 },
    });
    expect(longRun.errors?.[0]?.message).toContain("explicit steps");
    const noDensity = await simulate({ kind: "FEM_IMPACT", impact: { youngsModulusPa: 3e9 } });
    expect(noDensity.errors?.[0]?.message).toContain("youngsModulusPa and densityKgM3");
    expect((await store.dataSource.query(`SELECT count(*)::int AS n FROM jobs`))[0].n).toBe(0);
  });

  it("has no MESOSCALE descriptors before a polycrystal result exists", async () => {
    expect((await readCopper()).descriptors).toBeNull();
  });

  it("runs a polycrystal job from a database's tensor: K = (C11 + 2C12)/3, stored with provenance, equal to the engine", async () => {
    const done = await run(polycrystal);
    expect(done.kind).toBe("micro.polycrystal");
    expect(done.input).toMatchObject({ grains: 8, voxels: 12, seed: 3, texture: "random" });
    const crystalPa = [done.input["C11Pa"], done.input["C12Pa"], done.input["C44Pa"]] as [number, number, number];
    // The source's tensor, reduced to its cubic average (a mean of three equal values, to rounding).
    crystalPa.forEach((c, i) => expect(c / 1e9).toBeCloseTo([C11, C12, C44][i]!, 9));
    expect(done.input["elasticProvenance"]).toMatchObject({
      from: "source",
      source: "MP",
      sourceId: "mp-cu-micro-test",
    });

    const r = done.result!;
    const crystalBulkGPa = (C11 + 2 * C12) / 3;
    expect(Math.abs((r["bulkModulusGPa"] as number) - crystalBulkGPa) / crystalBulkGPa).toBeLessThan(0.01);
    expect(r["shearModulusGPa"]).toBeGreaterThan(r["reussShearGPa"] as number);
    expect(r["shearModulusGPa"]).toBeLessThan(r["voigtShearGPa"] as number);

    const [c11Pa, c12Pa, c44Pa] = crystalPa;
    const direct = solvePolycrystal({
      c11Pa,
      c12Pa,
      c44Pa,
      grains: 8,
      voxels: 12,
      seed: 3,
      texture: "random",
      voxelSizeM: 1e-6,
    });
    expect(r["bulkModulusGPa"]).toBeCloseTo(direct.bulkModulusPa / 1e9, 9);
    expect(r["shearModulusGPa"]).toBeCloseTo(direct.shearModulusPa / 1e9, 9);

    const cu = await readCopper();
    expect(cu.simulated.map((j) => j.id)).toContain(done.id);
    // The first read after the job computes the MESOSCALE vector (checked in the next test).
    expect(cu.descriptors?.cached).toBe(false);
    const stored = cu.properties.filter((p) => p.source === "SIMULATION");
    expect(stored.map((p) => [p.key, p.method]).sort()).toEqual([
      ["BULK_MODULUS_VRH", "MESO-VOXEL-FEM:voronoi"],
      ["SHEAR_MODULUS_VRH", "MESO-VOXEL-FEM:voronoi"],
    ]);
    expect(stored.find((p) => p.key === "BULK_MODULUS_VRH")!.value).toBeCloseTo(r["bulkModulusGPa"] as number, 9);
    expect(stored.find((p) => p.key === "SHEAR_MODULUS_VRH")!.value).toBeCloseTo(r["shearModulusGPa"] as number, 9);

    // An identical request is the same job, answered from the store.
    const again = await simulate(polycrystal);
    expect(again.data!.simulate).toMatchObject({ id: done.id, state: "SUCCEEDED" });
  });

  it("offers the polycrystal's microstructure as MESOSCALE descriptors, cached after the first read", async () => {
    const direct = solvePolycrystal({
      c11Pa: C11 * 1e9,
      c12Pa: C12 * 1e9,
      c44Pa: C44 * 1e9,
      grains: 8,
      voxels: 12,
      seed: 3,
      voxelSizeM: 1e-6,
    });
    const first = (await readCopper()).descriptors!;
    expect(first.set).toBe("MESOSCALE");
    expect(first.cached).toBe(true);
    const value = (name: string) => first.values[first.features.findIndex((f) => f.name === name)];
    // µm, from a 1 µm voxel.
    expect(value("grain_size_mean")).toBeCloseTo(direct.descriptors.grainSizeMeanM * 1e6, 9);
    expect(value("texture_index")).toBeCloseTo(direct.descriptors.textureIndex, 9);
    // Counted on voxel faces, S_V · ℓ̄ = 3 identically.
    expect(value("grain_boundary_area_per_volume")! * value("mean_linear_intercept")!).toBeCloseTo(3, 9);
    const rows = await store.dataSource.query(
      `SELECT subject_id AS "subjectId" FROM descriptor_cache WHERE set_name = 'mesoscale'`,
    );
    expect(rows.map((r: { subjectId: number }) => String(r.subjectId))).toEqual([first.entryId]);
  });

  it("chains a composite job into an impact job whose plate material is the composite's effective properties", async () => {
    const composite = {
      kind: "MICRO_COMPOSITE",
      composite: {
        matrix: { youngsModulusPa: 3.5e9, poissonRatio: 0.35, densityKgM3: 1200 },
        inclusion: { youngsModulusPa: 70e9, poissonRatio: 0.22, densityKgM3: 2500 },
        volumeFraction: 0.2,
        voxels: 16,
        seed: 1,
      },
    };
    const comp = await run(composite);
    const c = comp.result!;
    const direct = solveComposite({
      matrixYoungsModulusPa: 3.5e9,
      matrixPoissonRatio: 0.35,
      inclusionYoungsModulusPa: 70e9,
      inclusionPoissonRatio: 0.22,
      volumeFraction: 0.2,
      shape: "sphere",
      aspectRatio: 1,
      orientation: "random",
      voxels: 16,
      seed: 1,
    });
    expect(c["youngsModulusPa"]).toBeCloseTo(direct.effective.youngsModulusPa, 0);
    const hs = c["hashinShtrikman"] as Record<string, number>;
    expect(c["bulkModulusPa"]).toBeGreaterThanOrEqual(hs["bulkLowerPa"]!);
    expect(c["bulkModulusPa"]).toBeLessThanOrEqual(hs["bulkUpperPa"]!);
    const f = c["volumeFraction"] as number;
    expect(c["densityKgM3"]).toBeCloseTo((1 - f) * 1200 + f * 2500, 9);
    // A component, not a material: nothing stored as a property.
    expect(
      (await store.dataSource.query(`SELECT count(*)::int AS n FROM entries WHERE raw ->> 'jobId' = $1`, [comp.id]))[0]
        .n,
    ).toBe(0);

    const polyJob = (await simulate(polycrystal)).data!.simulate.id;
    const wrongKind = await simulate({ kind: "FEM_IMPACT", impact: { materialFromJobId: polyJob } });
    expect(wrongKind.errors?.[0]?.message).toContain("not a MICRO_COMPOSITE job");

    const impact = await run({
      kind: "FEM_IMPACT",
      impact: { materialFromJobId: comp.id, elements: "8x8x2", durationS: 2e-4, speedMPerS: 5, strikerMassKg: 1 },
    });
    expect(impact.input["material"]).toMatchObject({
      youngsModulusPa: c["youngsModulusPa"],
      poissonRatio: c["poissonRatio"],
      densityKgM3: c["densityKgM3"],
    });
    expect(impact.input["materialProvenance"]).toMatchObject({ from: "job", jobId: comp.id, kind: "micro.composite" });
    const s = impact.result!;
    expect(s["peakForceN"]).toBeGreaterThan(0);
    // An elastic plate struck and left: energy is conserved, and what the striker lost the plate holds.
    expect(s["energyBalanceError"]).toBeLessThan(0.01);
    expect(s["absorbedEnergyJ"]).toBeGreaterThan(0);
    expect(s["absorbedEnergyJ"]).toBeLessThan(0.5 * 1 * 5 * 5);
  });

  it("cancels a running polycrystal job: progress was reported, nothing is stored", async () => {
    const big = {
      ...polycrystal,
      polycrystal: { c11GPa: 250, c12GPa: 110, c44GPa: 90, grains: 60, voxels: 40, seed: 9 },
    };
    const res = await simulate(big);
    expect(res.errors).toBeUndefined();
    const id = res.data!.simulate.id;
    const running = await waitFor(id, (j) => j.state === "RUNNING" && j.progress > 0);
    expect(running.progress).toBeLessThan(1);
    const cancelled = await t.gql<{ cancelJob: JobJson }>(
      `mutation($id: ID!) { cancelJob(id: $id) { ${JOB_FIELDS} } }`,
      { id },
      ADMIN,
    );
    expect(cancelled.data!.cancelJob.state).toBe("CANCELLED");
    // The worker notices within its poll interval and stops the thread; give it a few.
    await new Promise((r) => setTimeout(r, 2000));
    expect((await finished(id)).state).toBe("CANCELLED");
    expect(
      (await store.dataSource.query(`SELECT count(*)::int AS n FROM entries WHERE raw ->> 'jobId' = $1`, [id]))[0].n,
    ).toBe(0);
  });
});
