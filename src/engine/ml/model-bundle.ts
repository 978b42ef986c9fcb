import type { DescriptorSetInfo } from "../descriptors/descriptor-set";
import type { FeatureMatrix } from "./feature-matrix";
import { type Model, ModelError, type ModelState } from "./model";

/**
 * What a saved model carries besides its weights: the descriptor set (name, version,
 * feature names) it expects, a hash of the training data, the uncertainty calibration
 * and validation metrics. Neural models keep their normalisation statistics inside
 * their own state. Plain JSON: numbers survive a JSON round trip exactly (shortest
 * round-trip formatting of IEEE doubles), so predictions do too.
 */
export const BUNDLE_FORMAT = "matgraph-model";
export const BUNDLE_FORMAT_VERSION = 1;

export interface ModelBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly formatVersion: number;
  readonly descriptor: { readonly name: string; readonly version: string; readonly featureNames: string[] };
  readonly trainingDataHash: string;
  readonly trainingRows: number;
  readonly target?: string;
  readonly calibrationScale?: number;
  readonly validation?: Readonly<Record<string, number>>;
  readonly model: ModelState;
}

/** FNV-1a over the bytes of the descriptors and targets, two 32-bit lanes → 16 hex digits. */
export function hashTrainingData(x: FeatureMatrix, y: Float64Array): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  const feed = (bytes: Uint8Array): void => {
    for (let i = 0; i < bytes.length; i++) {
      h1 = Math.imul(h1 ^ (bytes[i] as number), 0x01000193);
      h2 = Math.imul(h2 ^ (bytes[i] as number), 0x01000193 ^ 0x2f);
    }
  };
  feed(new Uint8Array(Float64Array.from([x.rows, x.cols]).buffer));
  feed(new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength));
  feed(new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}

export function bundleModel(
  model: Model,
  info: DescriptorSetInfo,
  training: { x: FeatureMatrix; y: Float64Array },
  extra: { target?: string; calibrationScale?: number; validation?: Record<string, number> } = {},
): ModelBundle {
  return {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    descriptor: { name: info.name, version: info.version, featureNames: info.features.map((f) => f.name) },
    trainingDataHash: hashTrainingData(training.x, training.y),
    trainingRows: training.x.rows,
    ...extra,
    model: model.toJSON(),
  };
}

/** Check a parsed bundle against the descriptor set the caller will feed it. */
export function checkBundle(value: unknown, info: DescriptorSetInfo): ModelBundle {
  const b = value as Partial<ModelBundle> | null;
  if (!b || typeof b !== "object" || b.format !== BUNDLE_FORMAT) throw new ModelError("not a MatGraph model file");
  if (b.formatVersion !== BUNDLE_FORMAT_VERSION)
    throw new ModelError(`unsupported model format version ${String(b.formatVersion)}`);
  if (!b.descriptor || b.descriptor.name !== info.name || b.descriptor.version !== info.version) {
    throw new ModelError(
      `model expects descriptors ${b.descriptor?.name}@${b.descriptor?.version}, this build computes ${info.name}@${info.version}`,
    );
  }
  if (!b.model || typeof b.model.kind !== "string") throw new ModelError("model file has no model state");
  return b as ModelBundle;
}
