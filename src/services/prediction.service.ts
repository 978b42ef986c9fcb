import type { DataSource } from "typeorm";
import { canonicalUnitOf, type PropertyKey } from "../domain/property-key";
import { Composition, FormulaError } from "../engine/chem/composition";
import { FeaturizationError } from "../engine/descriptors/descriptor-set";
import { MagpieFeaturizer } from "../engine/descriptors/magpie.featurizer";
import { InvalidInputError } from "../errors";
import { DescriptorCacheService } from "./descriptor-cache.service";
import { type ModelRecord, ModelRegistry } from "./model-registry.service";
import { predictRows } from "./model-training.service";

/**
 * Predictions of a property from a registered model: for stored materials from their
 * cached composition descriptors (a page of materials is one matrix, one model call),
 * and for any formula from descriptors computed on the spot.
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

/** Values this process has predicted (materials and formulas). */
export function predictionCount(): number {
  return predictions;
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
  async forMaterials(materials: readonly { id: number; formula: string }[], record: ModelRecord): Promise<PredictionResult[]> {
    const [{ bundle, model }, vectors] = await Promise.all([
      this.registry.restore(record, featurizer.info),
      this.descriptors.composition(materials),
    ]);
    const cols = featurizer.info.features.length;
    const usable = vectors.map((v, i) => (v.values ? i : -1)).filter((i) => i >= 0);
    const data = new Float64Array(usable.length * cols);
    usable.forEach((i, row) => data.set(vectors[i]?.values as Float64Array, row * cols));
    const rows = predictRows(bundle, model, { rows: usable.length, cols, data });
    const byIndex = new Map(usable.map((i, row) => [i, rows[row]]));
    predictions += usable.length;
    const unit = canonicalUnitOf(record.key);
    return materials.map((m, i) => {
      const p = byIndex.get(i);
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
