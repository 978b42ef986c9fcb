import type { DataSource } from "typeorm";
import type { PropertyKey } from "../domain/property-key";
import { PROPERTY_KEYS } from "../domain/property-key";
import type { Source } from "../domain/source";
import { isModelKind, MODELS } from "../engine/ml/index";
import { InvalidInputError } from "../errors";
import type { TrainModelJobInput } from "../jobs/computations/train-model.computation";
import { inputHash } from "../jobs/job-queue";
import { DEFAULT_TRAINING_SOURCES, sourceDataFingerprint } from "./model-data.service";
import { ModelRegistry } from "./model-registry.service";

/**
 * Checks a training request and turns it into the `ml.train` job input. The input names
 * what the store held (a fingerprint), so an identical request over unchanged data
 * shares the job, and one after new data arrived trains anew.
 */
export interface TrainModelRequest {
  readonly key: PropertyKey;
  readonly sources?: readonly Source[] | null;
  readonly model?: string | null;
  readonly params?: unknown;
  readonly seed?: number | null;
  readonly holdoutFraction?: number | null;
  readonly name?: string | null;
  readonly makeDefault?: boolean | null;
}

export const TRAIN_MODEL_KIND = "ml.train";

/** Fewer labelled compositions than this cannot give a model worth registering. */
export const MIN_TRAINING_VALUES = 10;

/** Hyper-parameters from a request: a flat object of numbers, strings and booleans. */
export function modelParams(value: unknown): Record<string, number | string | boolean> {
  if (value == null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new InvalidInputError("params must be a JSON object");
  const out: Record<string, number | string | boolean> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if ((typeof v === "number" && Number.isFinite(v)) || typeof v === "string" || typeof v === "boolean") out[k] = v;
    else throw new InvalidInputError(`params.${k} must be a finite number, a string or a boolean`);
  }
  return out;
}

export function checkModelKind(kind: string): string {
  if (!isModelKind(kind))
    throw new InvalidInputError(`unknown model "${kind}" (known: ${Object.keys(MODELS).join(", ")})`);
  return kind;
}

export async function trainModelJobInput(
  dataSource: DataSource,
  request: TrainModelRequest,
): Promise<TrainModelJobInput> {
  if (PROPERTY_KEYS[request.key].isArray)
    throw new InvalidInputError(`${request.key} holds arrays; models predict one number`);
  const model = checkModelKind(request.model ?? "gbdt");
  const sources = [...new Set(request.sources?.length ? request.sources : DEFAULT_TRAINING_SOURCES)].sort();
  const holdoutFraction = request.holdoutFraction ?? 0.1;
  if (!(holdoutFraction >= 0.05 && holdoutFraction <= 0.5)) {
    throw new InvalidInputError(`holdoutFraction must be between 0.05 and 0.5, got ${holdoutFraction}`);
  }
  const name = request.name?.trim() || null;
  const data = await sourceDataFingerprint(dataSource, request.key, sources);
  if (data.values < MIN_TRAINING_VALUES) {
    throw new InvalidInputError(
      `${sources.join(", ")} hold ${data.values} ${request.key} values; training needs at least ${MIN_TRAINING_VALUES}`,
    );
  }
  const input: TrainModelJobInput = {
    key: request.key,
    sources,
    model,
    task: "auto",
    params: modelParams(request.params),
    seed: request.seed ?? 1,
    holdoutFraction,
    name,
    makeDefault: request.makeDefault ?? false,
    data,
  };
  const taken = name ? await new ModelRegistry(dataSource).byName(name) : null;
  if (taken) {
    // The name's owner may be this very request, finished: then the job queue answers with it.
    const [owner] = taken.jobId
      ? await dataSource.query(`SELECT input_hash AS hash FROM jobs WHERE id = $1`, [taken.jobId])
      : [];
    if (owner?.hash !== inputHash(TRAIN_MODEL_KIND, { ...input }))
      throw new InvalidInputError(`a model named "${name}" exists already`);
  }
  return input;
}
