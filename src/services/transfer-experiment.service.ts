import { type FeatureMatrix, selectRows } from "../engine/ml/feature-matrix";
import { featurizeRows, type FormulaRow } from "../engine/ml/formula-dataset";
import { regressionMetrics } from "../engine/ml/metrics";
import { hashTrainingData } from "../engine/ml/model-bundle";
import type { SourceRow } from "./model-data.service";
import { compositionFeaturizer, trainModel } from "./model-training.service";
import { renderParitySvg, type ParitySeries } from "./transfer-parity-plot";

/**
 * Transfer experiments, the seed's "train on three datasets, test on the fourth": how
 * well a composition model trained on some sources predicts another source's values.
 *
 * The test rows are the test source's compositions that no training source holds
 * (a composition present in both is dropped from the test set: otherwise the score
 * would partly measure agreement between databases on shared compositions, not
 * transfer). Every model is scored on those same rows: one model on all training
 * sources together, and one per training source alone (the pairs). Reported: MAE,
 * RMSE and R² (= 1 − SS_res/SS_tot on the test rows) per pair, and a parity plot.
 *
 * Units: the key's canonical unit for targets, predictions and errors. No database here.
 */
export interface TransferRequest {
  readonly key: string;
  readonly unit: string;
  readonly trainSources: readonly string[];
  readonly testSource: string;
  readonly modelKind: string;
  readonly params: Record<string, unknown>;
  readonly rows: readonly SourceRow[];
  readonly log?: (line: string) => void;
  readonly onProgress?: (fraction: number, message: string) => void;
}

export interface TransferPair {
  readonly trainSources: string[];
  readonly testSource: string;
  readonly trainRows: number;
  readonly testRows: number;
  readonly mae: number;
  readonly rmse: number;
  readonly r2: number;
  readonly trainingDataHash: string;
}

export interface TransferReport {
  readonly key: string;
  readonly unit: string;
  readonly modelKind: string;
  readonly params: Record<string, unknown>;
  readonly descriptor: { readonly name: string; readonly version: string };
  readonly trainSources: string[];
  readonly testSource: string;
  /** Rows per source after featurisation. */
  readonly rowsBySource: Record<string, number>;
  /** Test compositions dropped because a training source also holds them. */
  readonly excludedOverlap: number;
  /** Rows that could not be featurised (unknown elements), by source. */
  readonly failedBySource: Record<string, number>;
  /** The all-sources model first, then one per training source. */
  readonly pairs: TransferPair[];
  readonly trainSeconds: number;
}

export class TransferError extends Error {
  readonly code = "TRANSFER";
  constructor(message: string) {
    super(message);
    this.name = "TransferError";
  }
}

interface Featurised {
  readonly x: FeatureMatrix;
  readonly y: Float64Array;
  readonly formulas: string[];
}

export async function runTransferExperiment(asked: TransferRequest): Promise<{ report: TransferReport; svg: string }> {
  // Sources in one canonical order: the rows a model sees, hence its numbers, do not depend on how the request listed them.
  const request = { ...asked, trainSources: [...new Set(asked.trainSources)].sort() };
  if (request.trainSources.length === 0) throw new TransferError("name at least one training source");
  if (request.trainSources.includes(request.testSource)) {
    throw new TransferError(`the test source ${request.testSource} is also a training source`);
  }
  const featurizer = compositionFeaturizer();
  const bySource = new Map<string, Featurised>();
  const failedBySource: Record<string, number> = {};
  for (const source of [...request.trainSources, request.testSource]) {
    const rows: FormulaRow[] = request.rows
      .filter((r) => r.source === source)
      .map((r, i) => ({ line: i + 1, formula: r.formula, target: r.target }));
    const data = featurizeRows(featurizer, rows);
    bySource.set(source, { x: data.x, y: data.y, formulas: data.kept.map((r) => r.formula) });
    failedBySource[source] = data.failed.length;
  }
  const test = bySource.get(request.testSource) as Featurised;
  const trainFormulas = new Set(request.trainSources.flatMap((s) => bySource.get(s)?.formulas ?? []));
  const keep = test.formulas.map((f, i) => (trainFormulas.has(f) ? -1 : i)).filter((i) => i >= 0);
  const testX = selectRows(test.x, keep);
  const testY = Float64Array.from(keep, (i) => test.y[i] as number);
  if (keep.length < 2) {
    throw new TransferError(
      `${request.testSource} has ${keep.length} ${request.key} values for compositions the training sources lack; at least 2 are needed`,
    );
  }

  const groups = [
    request.trainSources,
    ...(request.trainSources.length > 1 ? request.trainSources.map((s) => [s]) : []),
  ];
  const pairs: TransferPair[] = [];
  const series: ParitySeries[] = [];
  let trainSeconds = 0;
  for (const [g, group] of groups.entries()) {
    request.onProgress?.(g / groups.length, `training on ${group.join("+")}`);
    const train = concat(group.map((s) => bySource.get(s) as Featurised));
    if (train.x.rows < 2) {
      throw new TransferError(
        `${group.join("+")} has ${train.x.rows} usable ${request.key} values; at least 2 are needed`,
      );
    }
    const trained = await trainModel(featurizer.info, {
      kind: request.modelKind,
      task: "regression",
      params: request.params,
      train,
      ...(request.log ? { log: request.log } : {}),
    });
    trainSeconds += trained.trainSeconds;
    const predicted = trained.model.predict(testX).mean;
    const m = regressionMetrics(testY, predicted);
    pairs.push({
      trainSources: [...group],
      testSource: request.testSource,
      trainRows: train.x.rows,
      testRows: m.n,
      mae: m.mae,
      rmse: m.rmse,
      r2: m.r2,
      trainingDataHash: hashTrainingData(train.x, train.y),
    });
    series.push({ label: `${group.join("+")} → ${request.testSource}`, actual: testY, predicted });
  }
  request.onProgress?.(1, "done");
  const report: TransferReport = {
    key: request.key,
    unit: request.unit,
    modelKind: request.modelKind,
    params: request.params,
    descriptor: { name: featurizer.info.name, version: featurizer.info.version },
    trainSources: [...request.trainSources],
    testSource: request.testSource,
    rowsBySource: Object.fromEntries([...bySource].map(([s, d]) => [s, d.x.rows])),
    excludedOverlap: test.x.rows - keep.length,
    failedBySource,
    pairs,
    trainSeconds,
  };
  const svg = renderParitySvg({
    title: `${request.key}: ${request.modelKind} trained on ${request.trainSources.join(", ")}, tested on ${request.testSource}`,
    unit: request.unit,
    series,
  });
  return { report, svg };
}

function concat(parts: readonly Featurised[]): { x: FeatureMatrix; y: Float64Array } {
  const cols = parts[0]?.x.cols ?? 0;
  const rows = parts.reduce((n, p) => n + p.x.rows, 0);
  const data = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  let at = 0;
  for (const p of parts) {
    data.set(p.x.data, at * cols);
    y.set(p.y, at);
    at += p.x.rows;
  }
  return { x: { rows, cols, data }, y };
}
