import type { DataSource } from "typeorm";
import { PROPERTY_KEYS, type PropertyKey } from "../domain/property-key";
import type { Source } from "../domain/source";
import { InvalidInputError } from "../errors";
import type { TransferJobInput } from "../jobs/computations/transfer.computation";
import { sourceDataFingerprint } from "./model-data.service";
import { checkModelKind, modelParams } from "./model-jobs.service";

/** Checks a transfer-experiment request and turns it into the `ml.transfer` job input. */
export interface TransferRequest {
  readonly key: PropertyKey;
  readonly trainSources: readonly Source[];
  readonly testSource: Source;
  readonly model?: string | null;
  readonly params?: unknown;
}

export async function transferJobInput(dataSource: DataSource, request: TransferRequest): Promise<TransferJobInput> {
  if (PROPERTY_KEYS[request.key].isArray)
    throw new InvalidInputError(`${request.key} holds arrays; models predict one number`);
  const trainSources = [...new Set(request.trainSources)].sort();
  if (trainSources.length === 0) throw new InvalidInputError("trainSources must name at least one source");
  if (trainSources.includes(request.testSource)) {
    throw new InvalidInputError(`the test source ${request.testSource} is also a training source`);
  }
  const model = checkModelKind(request.model ?? "gbdt");
  for (const source of [...trainSources, request.testSource]) {
    const { values } = await sourceDataFingerprint(dataSource, request.key, [source]);
    if (values < 2)
      throw new InvalidInputError(`${source} holds ${values} ${request.key} values; at least 2 are needed`);
  }
  const data = await sourceDataFingerprint(dataSource, request.key, [...trainSources, request.testSource]);
  return {
    key: request.key,
    trainSources,
    testSource: request.testSource,
    model,
    params: modelParams(request.params),
    data,
  };
}
