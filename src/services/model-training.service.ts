import type { DescriptorSetInfo } from "../engine/descriptors/descriptor-set";
import { MagpieFeaturizer } from "../engine/descriptors/magpie.featurizer";
import type { FeatureMatrix } from "../engine/ml/feature-matrix";
import { createModel, isModelKind, loadModel, MODELS } from "../engine/ml/index";
import { classificationMetrics, regressionMetrics } from "../engine/ml/metrics";
import { type Model, ModelError, type Task } from "../engine/ml/model";
import { bundleModel, checkBundle, type ModelBundle } from "../engine/ml/model-bundle";
import { fitCalibrationScale } from "../engine/ml/uncertainty";

/**
 * Training, scoring and prediction of composition models, shared by the CLI
 * (`matgraph train | evaluate | predict`), the `ml.train` and `ml.transfer` jobs and the
 * GraphQL predictions, so that a model trained one way predicts the same everywhere.
 * No database and no files here: callers bring rows and bundles.
 *
 * Units: targets and predictions in the unit of the rows given (the store's canonical
 * unit for its property); uncertainties are standard deviations in that unit, scaled by
 * the bundle's calibration factor when it has one.
 */
export interface LabelledMatrix {
  readonly x: FeatureMatrix;
  readonly y: Float64Array;
}

export interface TrainOptions {
  readonly kind: string;
  readonly task: Task;
  readonly params: Record<string, unknown>;
  readonly train: LabelledMatrix;
  /** Rows for early stopping, the reported metrics and the uncertainty calibration. */
  readonly validation?: LabelledMatrix;
  readonly target?: string;
  readonly log?: (line: string) => void;
}

export interface TrainedModel {
  readonly model: Model;
  readonly bundle: ModelBundle;
  readonly rounds: number;
  readonly trainSeconds: number;
  readonly validation?: Record<string, number>;
  readonly calibrationScale?: number;
}

export const MODEL_KINDS = Object.keys(MODELS);

export function compositionFeaturizer(): MagpieFeaturizer {
  return new MagpieFeaturizer();
}

/** Binary 0/1 targets are a classification task, anything else a regression. */
export function inferTask(y: ArrayLike<number>): Task {
  return Array.from(y).every((v) => v === 0 || v === 1) ? "classification" : "regression";
}

export function scoreModel(task: Task, y: Float64Array, mean: Float64Array): Record<string, number> {
  return { ...(task === "regression" ? regressionMetrics(y, mean) : classificationMetrics(y, mean)) };
}

export async function trainModel(info: DescriptorSetInfo, options: TrainOptions): Promise<TrainedModel> {
  if (!isModelKind(options.kind))
    throw new ModelError(`unknown model "${options.kind}" (known: ${MODEL_KINDS.join(", ")})`);
  if (options.train.x.rows < 2) throw new ModelError(`fewer than 2 usable training rows (${options.train.x.rows})`);
  const model = createModel(options.kind, options.task, options.params, info);
  const start = process.hrtime.bigint();
  const val = options.validation && options.validation.x.rows > 0 ? options.validation : undefined;
  const report = await model.fit(options.train, {
    ...(val ? { validation: val } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const trainSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  let validation: Record<string, number> | undefined;
  let calibrationScale: number | undefined;
  if (val) {
    const pred = model.predict(val.x);
    validation = scoreModel(options.task, val.y, pred.mean);
    // The early-stopping rows double as calibration rows: a mild optimism, stated in the report.
    const s = options.task === "regression" ? fitCalibrationScale(val.y, pred.mean, pred.std) : NaN;
    if (Number.isFinite(s)) calibrationScale = s;
  }
  const bundle = bundleModel(model, info, options.train, {
    ...(options.target ? { target: options.target } : {}),
    ...(validation ? { validation } : {}),
    ...(calibrationScale !== undefined ? { calibrationScale } : {}),
  });
  return {
    model,
    bundle,
    rounds: report.bestRound,
    trainSeconds,
    ...(validation ? { validation } : {}),
    ...(calibrationScale !== undefined ? { calibrationScale } : {}),
  };
}

/** A parsed bundle checked against the descriptor set, with its model restored. */
export async function restoreModel(
  parsed: unknown,
  info: DescriptorSetInfo,
): Promise<{ bundle: ModelBundle; model: Model }> {
  const bundle = checkBundle(parsed, info);
  return { bundle, model: await loadModel(bundle.model, info) };
}

export interface RowPrediction {
  readonly value: number;
  /** Calibrated standard deviation; null when the model gives none (one GBDT bag). */
  readonly uncertainty: number | null;
}

/** Predictions for the rows of a matrix, with the bundle's uncertainty calibration applied. */
export function predictRows(bundle: ModelBundle, model: Model, x: FeatureMatrix): RowPrediction[] {
  if (x.rows === 0) return [];
  const pred = model.predict(x);
  const scale = bundle.calibrationScale ?? 1;
  return Array.from({ length: x.rows }, (_, i) => {
    const std = (pred.std[i] as number) * scale;
    return { value: pred.mean[i] as number, uncertainty: Number.isFinite(std) ? std : null };
  });
}
