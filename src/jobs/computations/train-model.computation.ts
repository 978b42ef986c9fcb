import type { DataSource, EntityManager } from "typeorm";
import type { PropertyKey } from "../../domain/property-key";
import type { Source } from "../../domain/source";
import { MagpieFeaturizer } from "../../engine/descriptors/magpie.featurizer";
import { pick, selectRows } from "../../engine/ml/feature-matrix";
import { featurizeRows } from "../../engine/ml/formula-dataset";
import type { Task } from "../../engine/ml/model";
import type { ModelBundle } from "../../engine/ml/model-bundle";
import { trainValTestSplit } from "../../engine/ml/splits";
import { loadSourceRows, mergeByComposition } from "../../services/model-data.service";
import { ModelRegistry } from "../../services/model-registry.service";
import { inferTask, trainModel } from "../../services/model-training.service";
import type { Computation, ComputationOutput, RunControl, StoredJob } from "./computation";

/**
 * `ml.train`: a composition model (Magpie descriptors) of one property, trained on the
 * store's values from the chosen sources (one row per composition: the mean over those
 * sources), stored in the model registry. A seeded share of the compositions is held
 * out for early stopping, the reported metrics and the uncertainty calibration.
 * Targets in the key's canonical unit.
 */
export interface TrainModelJobInput {
  readonly key: PropertyKey;
  readonly sources: Source[];
  readonly model: string;
  readonly task: Task | "auto";
  readonly params: Record<string, unknown>;
  readonly seed: number;
  readonly holdoutFraction: number;
  readonly name: string | null;
  readonly makeDefault: boolean;
  /** What the store held when the job was requested (a new fingerprint makes a new job). */
  readonly data: { readonly values: number; readonly fingerprint: string };
}

interface ThreadInput extends TrainModelJobInput {
  readonly rows: Array<{ formula: string; target: number }>;
}

interface TrainArtifact {
  readonly bundle: ModelBundle;
  readonly task: Task;
  readonly training: Record<string, unknown>;
  readonly metrics: Record<string, number>;
}

async function prepare(dataSource: DataSource, raw: Record<string, unknown>): Promise<Record<string, unknown>> {
  const input = raw as unknown as TrainModelJobInput;
  const rows = mergeByComposition(await loadSourceRows(dataSource, input.key, input.sources));
  return { ...raw, rows };
}

async function run(raw: Record<string, unknown>, control: RunControl): Promise<ComputationOutput> {
  const input = raw as unknown as ThreadInput;
  const featurizer = new MagpieFeaturizer();
  control.onProgress?.(0.02, `featurising ${input.rows.length} compositions`);
  const data = featurizeRows(
    featurizer,
    input.rows.map((r, i) => ({ line: i + 1, formula: r.formula, target: r.target })),
  );
  const split = trainValTestSplit(data.x.rows, { val: input.holdoutFraction, test: 0 }, input.seed);
  const train = { x: selectRows(data.x, split.train), y: pick(data.y, split.train) };
  const holdout = { x: selectRows(data.x, split.val), y: pick(data.y, split.val) };
  const task = input.task === "auto" ? inferTask(data.y) : input.task;
  control.onProgress?.(0.1, `training ${input.model} on ${train.x.rows} compositions`);
  const trained = await trainModel(featurizer.info, {
    kind: input.model,
    task,
    params: { seed: input.seed, ...input.params },
    train,
    validation: holdout,
    target: input.key,
  });
  const metrics = trained.validation ?? {};
  const training = {
    sources: input.sources,
    compositions: input.rows.length,
    trainingRows: train.x.rows,
    holdoutRows: holdout.x.rows,
    failedRows: data.failed.length,
    holdoutFraction: input.holdoutFraction,
    seed: input.seed,
    params: input.params,
    trainingDataHash: trained.bundle.trainingDataHash,
    dataFingerprint: input.data.fingerprint,
    rounds: trained.rounds,
    trainSeconds: trained.trainSeconds,
    ...(trained.calibrationScale !== undefined ? { calibrationScale: trained.calibrationScale } : {}),
  };
  const artifact: TrainArtifact = { bundle: trained.bundle, task, training, metrics };
  return {
    summary: {
      key: input.key,
      model: input.model,
      task,
      descriptor: trained.bundle.descriptor.name,
      ...training,
      metrics,
    },
    properties: [],
    artifact,
  };
}

async function store(
  manager: EntityManager,
  output: ComputationOutput,
  job: StoredJob,
): Promise<Record<string, unknown>> {
  const input = job.input as unknown as TrainModelJobInput;
  const artifact = output.artifact as TrainArtifact;
  const record = await new ModelRegistry(manager).insert({
    name: input.name ?? `${input.model}-${input.key.toLowerCase()}-${job.jobId.slice(0, 8)}`,
    key: input.key,
    kind: input.model,
    task: artifact.task,
    bundle: artifact.bundle,
    metrics: artifact.metrics,
    training: { ...artifact.training, jobId: job.jobId },
    makeDefault: input.makeDefault,
    jobId: job.jobId,
  });
  return { modelId: record.id, modelName: record.name };
}

export const trainModelComputation: Computation = { kind: "ml.train", run, prepare, store };
