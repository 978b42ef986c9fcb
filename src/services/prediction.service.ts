import type { DataSource } from "typeorm";
import { canonicalUnitOf, type PropertyKey } from "../domain/property-key";
import { Composition, FormulaError } from "../engine/chem/composition";
import { FeaturizationError } from "../engine/descriptors/descriptor-set";
import { MagpieFeaturizer } from "../engine/descriptors/magpie.featurizer";
import { InvalidInputError } from "../errors";
import { DescriptorCacheService } from "./descriptor-cache.service";
import { modelCacheKey, type ModelRecord, ModelRegistry } from "./model-registry.service";
import { predictRows, type RowPrediction } from "./model-training.service";

/**
 * Predictions of a property from a registered model: for stored materials from their
 * cached composition descriptors (a page of materials is one matrix, one model call),
 * and for any formula from descriptors computed on the spot.
 *
 * A stored model never changes and a composition vector is a function of the reduced
 * formula at one descriptor version (a restored bundle must match the running version),
 * so a material's prediction is memoised per process by model (id and creation time),
 * descriptor version and formula: a warm page sends only the rows it has not seen to the
 * model.
 *
 * Units: value and uncertainty (a calibrated standard deviation) in the key's canonical
 * unit, the unit the model was trained in.
 */
export interface PredictionResult {
  readonly formula: string;
  readonly key: PropertyKey;
  /** Null when the composition cannot be featurised (an element without elemental data). */
  readonly value: number | null;
  readonly uncertainty: number | null;
  readonly unit: string;
  readonly model: ModelRecord;
  /** Why there is no value, when there is none. */
  readonly error: string | null;
}

let predictions = 0;
let memoHits = 0;

/** Values this process has predicted (materials and formulas), memoised or not. */
export function predictionCount(): number {
  return predictions;
}

/** Material predictions answered from the per-process memo, without a model call. */
export function predictionMemoHitCount(): number {
  return memoHits;
}

/** About 150 bytes an entry: 200 000 stay near 30 MB. */
const MEMO_MAX = 200_000;
const memo = new Map<string, RowPrediction>();

/** Forgets memoised predictions (what a restarted process starts with); the models stay loaded. */
export function clearPredictionMemo(): void {
  memo.clear();
}

function memoise(key: string, row: RowPrediction): void {
  memo.set(key, row);
  if (memo.size > MEMO_MAX) memo.delete(memo.keys().next().value as string);
}

const featurizer = new MagpieFeaturizer();

export class PredictionService {
  private readonly registry: ModelRegistry;
  private readonly descriptors: DescriptorCacheService;

  constructor(dataSource: DataSource) {
    this.registry = new ModelRegistry(dataSource);
    this.descriptors = new DescriptorCacheService(dataSource);
  }

  resolveModel(key: PropertyKey, modelId?: number | null): Promise<ModelRecord> {
    return this.registry.resolve(key, modelId);
  }

  /** Predictions for stored materials, in their order. */
  async forMaterials(
    materials: readonly { id: number; formula: string }[],
    record: ModelRecord,
  ): Promise<PredictionResult[]> {
    const [{ bundle, model }, vectors] = await Promise.all([
      this.registry.restore(record, featurizer.info),
      this.descriptors.composition(materials),
    ]);
    const cols = featurizer.info.features.length;
    const prefix = `${modelCacheKey(record)}:${featurizer.info.version}:`;
    const rows: Array<RowPrediction | undefined> = new Array(materials.length);
    const unseen: number[] = [];
    let hits = 0;
    materials.forEach((m, i) => {
      if (!vectors[i]?.values) return;
      const hit = memo.get(prefix + m.formula);
      if (hit) {
        rows[i] = hit;
        hits += 1;
      } else {
        unseen.push(i);
      }
    });
    memoHits += hits;
    if (unseen.length > 0) {
      const data = new Float64Array(unseen.length * cols);
      unseen.forEach((i, row) => data.set(vectors[i]?.values as Float64Array, row * cols));
      const predicted = predictRows(bundle, model, { rows: unseen.length, cols, data });
      unseen.forEach((i, row) => {
        const p = predicted[row] as RowPrediction;
        rows[i] = p;
        memoise(prefix + (materials[i] as { formula: string }).formula, p);
      });
    }
    predictions += hits + unseen.length;
    const unit = canonicalUnitOf(record.key);
    return materials.map((m, i) => {
      const p = rows[i];
      return {
        formula: m.formula,
        key: record.key,
        value: p?.value ?? null,
        uncertainty: p?.uncertainty ?? null,
        unit,
        model: record,
        error: p ? null : (vectors[i]?.error ?? "no descriptors"),
      };
    });
  }

  /** A prediction for any composition, stored or not. */
  async forFormula(formula: string, key: PropertyKey, modelId?: number | null): Promise<PredictionResult> {
    let composition: Composition;
    try {
      composition = Composition.parse(formula);
    } catch (error) {
      if (error instanceof FormulaError) throw new InvalidInputError(error.message, { cause: error });
      throw error;
    }
    const record = await this.registry.resolve(key, modelId);
    const { bundle, model } = await this.registry.restore(record, featurizer.info);
    let x: Float64Array;
    try {
      x = featurizer.featurize(composition);
    } catch (error) {
      if (error instanceof FeaturizationError) throw new InvalidInputError(error.message, { cause: error });
      throw error;
    }
    const [p] = predictRows(bundle, model, { rows: 1, cols: x.length, data: x });
    predictions += 1;
    return {
      formula: composition.reducedFormula,
      key,
      value: p?.value ?? null,
      uncertainty: p?.uncertainty ?? null,
      unit: canonicalUnitOf(key),
      model: record,
      error: null,
    };
  }
}
