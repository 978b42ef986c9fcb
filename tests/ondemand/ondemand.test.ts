import { Command } from "commander";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTransferCommands } from "../../src/cli/transfer.command";
import { loadConfig } from "../../src/config";
import { canonicalUnitOf, PropertyKey } from "../../src/domain/property-key";
import { Source } from "../../src/domain/source";
import { MagpieFeaturizer } from "../../src/engine/descriptors/magpie.featurizer";
import { StructureFeaturizer } from "../../src/engine/descriptors/structure.featurizer";
import { SimulationFeaturizer } from "../../src/engine/descriptors/simulation.featurizer";
import { loadModel } from "../../src/engine/ml/index";
import { checkBundle } from "../../src/engine/ml/model-bundle";
import { startJobSystem, type JobSystem } from "../../src/jobs/platform";
import { clearDescriptorMemory } from "../../src/services/descriptor-cache.service";
import { clearPredictionMemo } from "../../src/services/prediction.service";
import { writeEntries } from "../../src/services/entry-writer";
import { loadSourceRows } from "../../src/services/model-data.service";
import { runTransferExperiment } from "../../src/services/transfer-experiment.service";
import { hasSharedData, SKIP_REASON } from "../support/shared-data";
import { startTestServer, type TestServer } from "../support/test-server";
import { openTestStore, STORE_KIND, type TestStore } from "../support/test-store";
import { importGapSubsets } from "./support/benchmark-subsets";

/**
 * Descriptors, prediction, the model registry and transfer experiments through the real
 * endpoint (GraphQL over HTTP), with jobs run by a real in-process worker, on band gaps
 * imported from four benchmark files under four sources. Expectations come from the
 * engine run directly on the same inputs, never from frozen numbers.
 */
const ADMIN = { authorization: "Bearer test-admin-token" };
const env = { MATGRAPH_JOB_POLL_MS: "500", MATGRAPH_MAX_JOBS_PER_CLIENT: "10" };
const FAST_GBDT = { maxRounds: 120, bags: 2, earlyStoppingRounds: 20 };

interface Counter {
  set: string;
  version: string;
  hits: number;
  misses: number;
}
interface JobJson {
  id: string;
  state: string;
  result: Record<string, unknown> | null;
  error: string | null;
}

const magpie = new MagpieFeaturizer();
const nullNaN = (values: ArrayLike<number>) => Array.from(values, (v) => (Number.isFinite(v) ? v : null));

describe.skipIf(!hasSharedData)(`descriptors, prediction and transfer on ${STORE_KIND}${SKIP_REASON}`, () => {
  let store: TestStore;
  let system: JobSystem;
  let t: TestServer;

  beforeAll(async () => {
    store = await openTestStore();
    await importGapSubsets(store.dataSource);
    system = await startJobSystem(store, loadConfig(env).jobs, true);
    t = await startTestServer(env, store, system);
  });
  afterAll(async () => {
    await t?.close();
    await system?.stop();
    await store?.close();
  });

  async function gql<T>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<T> {
    const res = await t.gql<T>(query, variables, headers);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data as T;
  }

  const counter = async (set: string): Promise<Counter> => {
    const data = await gql<{ metrics: { descriptorCache: Counter[] } }>(
      `{ metrics { descriptorCache { set version hits misses } } }`,
    );
    return data.metrics.descriptorCache.find((c) => c.set === set) as Counter;
  };

  async function waitForJob(id: string, timeoutMs = 150_000): Promise<JobJson> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const { job } = await gql<{ job: JobJson }>(`query($id: ID!) { job(id: $id) { id state result error } }`, { id });
      if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(job.state)) return job;
      if (Date.now() > until) throw new Error(`job ${id} still ${job.state}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  const page = (first: number) =>
    gql<{
      materials: {
        edges: Array<{
          node: {
            id: string;
            formula: string;
            descriptors: {
              version: string;
              values: Array<number | null> | null;
              cached: boolean;
              error: string | null;
            };
          };
        }>;
      };
    }>(
      `query($first: Int) { materials(first: $first, orderBy: { field: FORMULA }) { edges { node { id formula
         descriptors(set: COMPOSITION) { version values cached error } } } } }`,
      { first },
    );

  it("refuses training and transfer mutations without an operator token", async () => {
    const jobsBefore = (await store.dataSource.query(`SELECT count(*)::int AS n FROM jobs`))[0].n;
    const train = await t.gql(`mutation { trainModel(input: { key: BAND_GAP }) { id } }`);
    expect(train.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const transfer = await t.gql(
      `mutation { transferExperiment(key: BAND_GAP, trainSources: [AFLOW], testSource: USER) { id } }`,
      {},
      { authorization: "Bearer wrong" },
    );
    expect(transfer.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await store.dataSource.query(`SELECT count(*)::int AS n FROM jobs`))[0].n).toBe(jobsBefore);
  });

  it("computes composition descriptors on first read, then serves them from the cache at a constant statement count", async () => {
    const before = await counter("COMPOSITION");
    const cold = await page(50);
    const afterCold = await counter("COMPOSITION");
    expect(afterCold.misses - before.misses).toBe(50);
    expect(afterCold.hits - before.hits).toBe(0);
    for (const { node } of cold.materials.edges) {
      expect(node.descriptors.cached).toBe(false);
      expect(node.descriptors.version).toBe(magpie.info.version);
      expect(node.descriptors.values).toEqual(nullNaN(magpie.featurize(node.formula)));
    }

    store.counter.reset();
    const warm = await page(50);
    const statements50 = store.counter.count;
    const afterWarm = await counter("COMPOSITION");
    expect(afterWarm.hits - afterCold.hits).toBe(50);
    expect(afterWarm.misses).toBe(afterCold.misses);
    expect(warm.materials.edges.every((e) => e.node.descriptors.cached)).toBe(true);
    expect(warm.materials.edges.map((e) => e.node.descriptors.values)).toEqual(
      cold.materials.edges.map((e) => e.node.descriptors.values),
    );
    store.counter.reset();
    await page(10);
    expect(store.counter.count).toBe(statements50);

    // From the table alone (as a fresh process reads it): still one statement for the page, however long.
    const tableReads = async (first: number) => {
      clearDescriptorMemory();
      store.counter.reset();
      const res = await page(first);
      expect(res.materials.edges.every((e) => e.node.descriptors.cached)).toBe(true);
      return store.counter.count;
    };
    expect(await tableReads(50)).toBe(statements50 + 1);
    expect(await tableReads(10)).toBe(statements50 + 1);
    const afterTable = await counter("COMPOSITION");
    expect(afterTable.misses).toBe(afterCold.misses);
  });

  it("recomputes lazily when a cached vector is from another descriptor version", async () => {
    const cold = await page(20);
    const stale = cold.materials.edges.slice(0, 5).map((e) => Number(e.node.id));
    await store.dataSource.query(
      `UPDATE descriptor_cache SET version = '0.9.0-old' WHERE subject_kind = 'material' AND subject_id = ANY($1::int[])`,
      [stale],
    );
    clearDescriptorMemory(); // a new build is a new process: it knows the cached vectors only from the table
    const before = await counter("COMPOSITION");
    const again = await page(20);
    const after = await counter("COMPOSITION");
    expect(after.misses - before.misses).toBe(5);
    expect(after.hits - before.hits).toBe(15);
    expect(again.materials.edges.filter((e) => !e.node.descriptors.cached).map((e) => Number(e.node.id))).toEqual(
      stale,
    );
    const versions = await store.dataSource.query(
      `SELECT DISTINCT version FROM descriptor_cache WHERE subject_kind = 'material' AND subject_id = ANY($1::int[])`,
      [stale],
    );
    expect(versions).toEqual([{ version: magpie.info.version }]);
  });

  it("describes a stored structure and an MD result, and recomputes when the MD result changes", async () => {
    // prettier-ignore
    const lattice: [[number, number, number], [number, number, number], [number, number, number]] = [
      [2.87, 0, 0],
      [0, 2.87, 0],
      [0, 0, 2.87],
    ];
    const frac: [number, number, number][] = [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
    ];
    const tensor = (c11: number) => {
      const c = Array.from({ length: 36 }, () => 0);
      c[0] = c[7] = c[14] = c11;
      c[1] = c[2] = c[6] = c[8] = c[12] = c[13] = 122;
      c[21] = c[28] = c[35] = 76;
      return c;
    };
    const write = (c11: number) =>
      store.dataSource.transaction((m) =>
        writeEntries(m, [
          {
            source: Source.MP,
            sourceId: "mp-13-test",
            formula: "Fe",
            spacegroupNumber: 229,
            structure: { lattice, fracCoords: frac, species: ["Fe", "Fe"] },
            properties: [],
          },
          {
            source: Source.SIMULATION,
            sourceId: "md.elastic:test-fe",
            formula: "Fe",
            method: "md.elastic",
            properties: [
              { key: PropertyKey.ELASTIC_TENSOR, values: tensor(c11), unit: "GPa", method: "MD-EAM:Fe_test.eam" },
            ],
          },
        ]),
      );
    await write(170);
    const query = `{ materialByFormula(formula: "Fe") {
      structure: descriptors(set: STRUCTURE) { entryId values cached }
      simulation: descriptors(set: SIMULATION) { entryId values cached } } }`;
    type D = { entryId: string; values: Array<number | null>; cached: boolean };
    const first = await gql<{ materialByFormula: { structure: D; simulation: D } }>(query);
    const expectedStructure = new StructureFeaturizer().featurize({
      latticeA: lattice,
      species: ["Fe", "Fe"],
      fractional: frac,
      spaceGroupNumber: 229,
    });
    expect(first.materialByFormula.structure.values).toEqual(nullNaN(expectedStructure));
    expect(first.materialByFormula.structure.cached).toBe(false);
    const sim = new SimulationFeaturizer();
    expect(first.materialByFormula.simulation.values).toEqual(
      nullNaN(sim.featurize({ elasticConstantsGPa: { c11: 170, c12: 122, c44: 76 } })),
    );

    const second = await gql<{ materialByFormula: { structure: D; simulation: D } }>(query);
    expect(second.materialByFormula.structure.cached).toBe(true);
    expect(second.materialByFormula.simulation.cached).toBe(true);

    const before = await counter("SIMULATION");
    await write(243); // a new MD value for the same entry: its digest changes, the cached vector is stale
    const third = await gql<{ materialByFormula: { structure: D; simulation: D } }>(query);
    expect(third.materialByFormula.simulation.cached).toBe(false);
    expect(third.materialByFormula.simulation.values).toEqual(
      nullNaN(sim.featurize({ elasticConstantsGPa: { c11: 243, c12: 122, c44: 76 } })),
    );
    expect((await counter("SIMULATION")).misses - before.misses).toBe(1);
  });

  let modelId: string;

  it("trains a model as a job, registers it, and predicts through GraphQL exactly as the engine does", async () => {
    const input = {
      key: "BAND_GAP",
      sources: ["AFLOW", "OQMD", "MP"],
      params: FAST_GBDT,
      makeDefault: true,
      name: "gap-test",
    };
    const res = await gql<{ trainModel: JobJson }>(
      `mutation($input: TrainModelInput!) { trainModel(input: $input) { id state } }`,
      { input },
      ADMIN,
    );
    const job = await waitForJob(res.trainModel.id);
    expect(job.error).toBeNull();
    expect(job.state).toBe("SUCCEEDED");
    modelId = String(job.result!["modelId"]);

    const again = await gql<{ trainModel: JobJson }>(
      `mutation($input: TrainModelInput!) { trainModel(input: $input) { id state } }`,
      { input },
      ADMIN,
    );
    expect(again.trainModel).toEqual({ id: job.id, state: "SUCCEEDED" });

    const { models } = await gql<{
      models: Array<Record<string, unknown> & { training: Record<string, unknown>; metrics: Record<string, number> }>;
    }>(`{ models(key: BAND_GAP) { id name key kind task descriptorVersion isDefault jobId metrics training } }`);
    const model = models.find((m) => m.id === modelId)!;
    expect(model).toMatchObject({
      name: "gap-test",
      key: "BAND_GAP",
      kind: "GBDT",
      task: "regression",
      isDefault: true,
      jobId: job.id,
    });
    expect(model.descriptorVersion).toBe(magpie.info.version);
    const rows = await loadSourceRows(store.dataSource, PropertyKey.BAND_GAP, [Source.AFLOW, Source.MP, Source.OQMD]);
    const compositions = new Set(rows.map((r) => r.formula)).size;
    expect(model.training).toMatchObject({
      sources: ["AFLOW", "MP", "OQMD"],
      compositions,
      params: FAST_GBDT,
      seed: 1,
    });
    expect(
      (model.training["trainingRows"] as number) +
        (model.training["holdoutRows"] as number) +
        (model.training["failedRows"] as number),
    ).toBe(compositions);
    expect(model.metrics["n"]).toBe(model.training["holdoutRows"]);
    expect(model.metrics["rmse"]).toBeGreaterThanOrEqual(model.metrics["mae"]!);

    // The engine on the stored bundle.
    const [{ bundle: text }] = await store.dataSource.query(`SELECT bundle FROM models WHERE id = $1`, [
      Number(modelId),
    ]);
    const bundle = checkBundle(JSON.parse(text), magpie.info);
    const engine = await loadModel(bundle.model, magpie.info);
    const expectFor = (formula: string) => {
      const x = magpie.featurize(formula);
      const p = engine.predict({ rows: 1, cols: x.length, data: x });
      const std = (p.std[0] as number) * (bundle.calibrationScale ?? 1);
      return { value: p.mean[0], uncertainty: Number.isFinite(std) ? std : null };
    };

    const pageRes = await gql<{
      materials: {
        edges: Array<{
          node: {
            formula: string;
            predicted: { value: number; uncertainty: number | null; unit: string; model: { id: string } };
          };
        }>;
      };
    }>(
      `{ materials(first: 40, orderBy: { field: FORMULA }) { edges { node { formula predicted(key: BAND_GAP) { value uncertainty unit model { id } } } } } }`,
    );
    expect(pageRes.materials.edges).toHaveLength(40);
    for (const { node } of pageRes.materials.edges) {
      expect(node.predicted).toMatchObject({
        ...expectFor(node.formula),
        unit: canonicalUnitOf(PropertyKey.BAND_GAP),
        model: { id: modelId },
      });
    }

    const formula = "Ga2Se3Te";
    expect(await store.dataSource.query(`SELECT 1 FROM materials WHERE formula = $1`, ["Ga2Se3Te"])).toHaveLength(0);
    const predicted = await gql<{
      predict: { formula: string; value: number; uncertainty: number | null; model: { name: string } };
    }>(
      `query($id: ID) { predict(formula: "Ga2Se3Te", key: BAND_GAP, model: $id) { formula value uncertainty model { name } } }`,
      { id: modelId },
    );
    expect(predicted.predict).toEqual({ formula, ...expectFor(formula), model: { name: "gap-test" } });

    const wrongKey = await t.gql(
      `query($id: ID) { predict(formula: "GaAs", key: BULK_MODULUS_VRH, model: $id) { value } }`,
      { id: modelId },
    );
    expect(wrongKey.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const noModel = await t.gql(`{ predict(formula: "GaAs", key: DEBYE_TEMPERATURE) { value } }`);
    expect(noModel.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("changes a property's default model (token required), records the change, and predictions follow it", async () => {
    const input = {
      key: "BAND_GAP",
      sources: ["AFLOW", "OQMD", "MP"],
      params: FAST_GBDT,
      seed: 2,
      name: "gap-test-seed2",
    };
    const res = await gql<{ trainModel: JobJson }>(
      `mutation($input: TrainModelInput!) { trainModel(input: $input) { id } }`,
      { input },
      ADMIN,
    );
    const job = await waitForJob(res.trainModel.id);
    expect(job.state).toBe("SUCCEEDED");
    const secondId = String(job.result!["modelId"]);
    type M = { id: string; isDefault: boolean; defaultSince: string | null };
    const listed = async () =>
      new Map(
        (await gql<{ models: M[] }>(`{ models(key: BAND_GAP) { id isDefault defaultSince } }`)).models.map((m) => [
          m.id,
          m,
        ]),
      );
    const before = await listed();
    expect(before.get(modelId)).toMatchObject({ isDefault: true });
    expect(before.get(modelId)!.defaultSince).not.toBeNull();
    expect(before.get(secondId)).toEqual({ id: secondId, isDefault: false, defaultSince: null });
    const changesBefore = (
      await gql<{ defaultModelChanges: unknown[] }>(`{ defaultModelChanges(key: BAND_GAP) { id } }`)
    ).defaultModelChanges.length;

    const setDefault = `mutation($model: ID!, $key: PropertyKey!) { setDefaultModel(key: $key, model: $model) { id isDefault defaultSince } }`;
    const anonymous = await t.gql(setDefault, { model: secondId, key: "BAND_GAP" });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await listed()).get(modelId)!.isDefault).toBe(true);
    const wrongKey = await t.gql(setDefault, { model: secondId, key: "BULK_MODULUS_VRH" }, ADMIN);
    expect(wrongKey.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(wrongKey.errors?.[0]?.message).toContain("predicts BAND_GAP");
    const missing = await t.gql(setDefault, { model: "999999", key: "BAND_GAP" }, ADMIN);
    expect(missing.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");

    const changedAt = Date.now();
    const set = await gql<{ setDefaultModel: M }>(setDefault, { model: secondId, key: "BAND_GAP" }, ADMIN);
    expect(set.setDefaultModel).toMatchObject({ id: secondId, isDefault: true });
    expect(Math.abs(new Date(set.setDefaultModel.defaultSince!).getTime() - changedAt)).toBeLessThan(60_000);
    const after = await listed();
    expect(after.get(modelId)).toMatchObject({ isDefault: false, defaultSince: null });
    expect([...after.values()].filter((m) => m.isDefault).map((m) => m.id)).toEqual([secondId]);

    const { defaultModelChanges: changes } = await gql<{
      defaultModelChanges: Array<{
        key: string;
        modelId: string;
        previousModelId: string | null;
        changedBy: string;
        changedAt: string;
      }>;
    }>(`{ defaultModelChanges(key: BAND_GAP) { key modelId previousModelId changedBy changedAt } }`);
    expect(changes).toHaveLength(changesBefore + 1);
    expect(changes[0]).toMatchObject({
      key: "BAND_GAP",
      modelId: secondId,
      previousModelId: modelId,
      changedAt: set.setDefaultModel.defaultSince,
    });
    expect(changes[0]!.changedBy).toMatch(/^token:/);

    // Naming the current default again changes and records nothing.
    await gql(setDefault, { model: secondId, key: "BAND_GAP" }, ADMIN);
    expect(
      (await gql<{ defaultModelChanges: unknown[] }>(`{ defaultModelChanges(key: BAND_GAP) { id } }`))
        .defaultModelChanges,
    ).toHaveLength(changes.length);

    // Predictions that name no model now come from the new default; naming the old one still works.
    const predictions = await gql<{
      materials: { edges: Array<{ node: { byDefault: { model: { id: string } }; byOld: { model: { id: string } } } }> };
    }>(
      `{ materials(first: 5, orderBy: { field: FORMULA }) { edges { node {
          byDefault: predicted(key: BAND_GAP) { model { id } }
          byOld: predicted(key: BAND_GAP, model: "${modelId}") { model { id } } } } } }`,
    );
    for (const { node } of predictions.materials.edges) {
      expect(node.byDefault.model.id).toBe(secondId);
      expect(node.byOld.model.id).toBe(modelId);
    }
    const formula = await gql<{ predict: { model: { id: string } } }>(
      `{ predict(formula: "GaAs", key: BAND_GAP) { model { id } } }`,
    );
    expect(formula.predict.model.id).toBe(secondId);

    // Back to the first model, so that the tests below see the default they expect.
    await gql(setDefault, { model: modelId, key: "BAND_GAP" }, ADMIN);
  });

  it("answers a repeated page of predictions from the memo with the values the model gave", async () => {
    const query = `{ materials(first: 30, orderBy: { field: FORMULA }) { edges { node { formula predicted(key: BAND_GAP) { value uncertainty } } } } }`;
    type P = {
      materials: {
        edges: Array<{ node: { formula: string; predicted: { value: number | null; uncertainty: number | null } } }>;
      };
    };
    const metrics = async () =>
      (
        await gql<{ metrics: { predictions: number; predictionMemoHits: number } }>(
          `{ metrics { predictions predictionMemoHits } }`,
        )
      ).metrics;
    clearPredictionMemo();
    const m0 = await metrics();
    const first = await gql<P>(query);
    const m1 = await metrics();
    const usable = first.materials.edges.filter((e) => e.node.predicted.value !== null).length;
    expect(m1.predictionMemoHits).toBe(m0.predictionMemoHits);
    expect(m1.predictions - m0.predictions).toBe(usable);
    const second = await gql<P>(query);
    const m2 = await metrics();
    expect(m2.predictionMemoHits - m1.predictionMemoHits).toBe(usable);
    expect(second).toEqual(first);
  });

  let jobReport: {
    id: string;
    pairs: Array<{ trainSources: string[]; testRows: number; mae: number; rmse: number; r2: number | null }>;
  };

  it("runs a transfer experiment as a job and stores its report with a parity plot", async () => {
    const res = await gql<{ transferExperiment: JobJson }>(
      `mutation($params: JSON) { transferExperiment(key: BAND_GAP, trainSources: [AFLOW, OQMD, MP], testSource: USER, model: GBDT, params: $params) { id } }`,
      { params: FAST_GBDT },
      ADMIN,
    );
    const job = await waitForJob(res.transferExperiment.id);
    expect(job.error).toBeNull();
    expect(job.state).toBe("SUCCEEDED");
    const { transferReport: report } = await gql<{
      transferReport: {
        id: string;
        unit: string;
        excludedOverlap: number;
        rowsBySource: Record<string, number>;
        parityPlotSvg: string;
        jobId: string;
        pairs: Array<{
          trainSources: string[];
          testSource: string;
          testRows: number;
          mae: number;
          rmse: number;
          r2: number | null;
        }>;
      };
    }>(
      `query($id: ID!) { transferReport(id: $id) { id unit excludedOverlap rowsBySource parityPlotSvg jobId
        pairs { trainSources testSource testRows mae rmse r2 } } }`,
      { id: String(job.result!["reportId"]) },
    );
    expect(report.jobId).toBe(job.id);

    // Compositions of the test source that a training source also holds, counted independently in SQL.
    const [{ n: overlap }] = await store.dataSource.query(
      `SELECT count(DISTINCT p.material_id)::int AS n FROM properties p
       WHERE p.source = 'USER' AND p.key = 'BAND_GAP'
         AND EXISTS (SELECT 1 FROM properties q WHERE q.material_id = p.material_id AND q.key = 'BAND_GAP' AND q.source IN ('AFLOW','OQMD','MP'))`,
    );
    expect(overlap).toBeGreaterThan(0);
    expect(report.excludedOverlap).toBe(overlap);
    // prettier-ignore
    expect(report.pairs.map((p) => p.trainSources)).toEqual([["AFLOW", "MP", "OQMD"], ["AFLOW"], ["MP"], ["OQMD"]]);
    for (const p of report.pairs) {
      expect(p.testSource).toBe("USER");
      expect(p.testRows).toBe(report.rowsBySource["USER"]! - overlap);
      expect(p.rmse).toBeGreaterThanOrEqual(p.mae);
      expect(p.mae).toBeGreaterThan(0);
    }
    expect(report.parityPlotSvg.startsWith("<svg")).toBe(true);
    expect(report.parityPlotSvg.match(/<circle /g)).toHaveLength(4 * report.pairs[0]!.testRows);
    expect(report.parityPlotSvg).toContain("actual (eV)");

    // The same experiment through the service directly gives the same numbers.
    const rows = await loadSourceRows(store.dataSource, PropertyKey.BAND_GAP, [
      Source.AFLOW,
      Source.MP,
      Source.OQMD,
      Source.USER,
    ]);
    const direct = await runTransferExperiment({
      key: "BAND_GAP",
      unit: "eV",
      trainSources: ["AFLOW", "MP", "OQMD"],
      testSource: "USER",
      modelKind: "gbdt",
      params: FAST_GBDT,
      rows,
    });
    expect(report.pairs.map((p) => p.mae)).toEqual(direct.report.pairs.map((p) => p.mae));
    jobReport = report;
  });

  it("runs the same experiment from the CLI (`matgraph transfer`), storing the report and writing the SVG", async () => {
    const program = new Command().exitOverride();
    registerTransferCommands(program, {
      openStore: async () => ({ dataSource: store.dataSource, close: async () => undefined }),
    });
    const svg = path.join(mkdtempSync(path.join(tmpdir(), "matgraph-transfer-")), "parity.svg");
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const writeErr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string) => (chunks.push(String(chunk)), true)) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    const reportsBefore = (await store.dataSource.query(`SELECT count(*)::int AS n FROM transfer_reports`))[0].n;
    try {
      await program.parseAsync(
        [
          "transfer",
          "--key",
          "BAND_GAP",
          "--train",
          "AFLOW,OQMD,MP",
          "--test",
          "USER",
          "--params",
          JSON.stringify(FAST_GBDT),
          "--svg",
          svg,
          "--json",
        ],
        { from: "user" },
      );
    } finally {
      process.stdout.write = write;
      process.stderr.write = writeErr;
    }
    const out = JSON.parse(chunks.join("")) as { reportId: number; pairs: Array<{ mae: number; rmse: number }> };
    expect(out.pairs.map((p) => p.mae)).toEqual(jobReport.pairs.map((p) => p.mae));
    expect(out.pairs.map((p) => p.rmse)).toEqual(jobReport.pairs.map((p) => p.rmse));
    expect((await store.dataSource.query(`SELECT count(*)::int AS n FROM transfer_reports`))[0].n).toBe(
      reportsBefore + 1,
    );
    const [{ parity_svg: stored }] = await store.dataSource.query(
      `SELECT parity_svg FROM transfer_reports WHERE id = $1`,
      [out.reportId],
    );
    expect(readFileSync(svg, "utf8")).toBe(stored);
  });

  it("refuses a transfer whose test source is also a training source, naming it", async () => {
    const res = await t.gql(
      `mutation { transferExperiment(key: BAND_GAP, trainSources: [AFLOW, USER], testSource: USER) { id } }`,
      {},
      ADMIN,
    );
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(res.errors?.[0]?.message).toContain("USER is also a training source");
  });
});
