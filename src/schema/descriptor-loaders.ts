import DataLoader from "dataloader";
import type { PropertyKey } from "../domain/property-key";
import {
  DescriptorCacheService,
  type DescriptorSetKind,
  type DescriptorVector,
} from "../services/descriptor-cache.service";
import type { ModelRecord } from "../services/model-registry.service";
import { PredictionService, type PredictionResult } from "../services/prediction.service";
import type { MaterialRecord } from "../services/records";
import type { GraphQLContext } from "./context";

/**
 * Per-request loaders of the on-demand fields (Material.descriptors, Material.predicted):
 * a page of materials asking for the same set, or the same key and model, is one batch,
 * so it costs a constant number of statements whatever the page size. They live beside
 * the request's own Loaders (same lifetime) without widening the shared context.
 */
export class OnDemandLoaders {
  private readonly descriptors: DescriptorCacheService;
  private readonly predictions: PredictionService;
  private readonly byArgs = new Map<string, DataLoader<MaterialRecord, unknown, number>>();
  private readonly models = new Map<string, Promise<ModelRecord>>();

  constructor(ctx: GraphQLContext) {
    this.descriptors = new DescriptorCacheService(ctx.dataSource);
    this.predictions = new PredictionService(ctx.dataSource);
  }

  descriptorsOf(
    set: DescriptorSetKind,
    entryId: number | null,
  ): DataLoader<MaterialRecord, DescriptorVector | null, number> {
    return this.loader(`descriptors:${set}:${entryId ?? "*"}`, (materials) => {
      const ids = materials.map((m) => m.id);
      if (set === "COMPOSITION") return this.descriptors.composition(materials);
      if (set === "STRUCTURE") return this.descriptors.structure(ids, entryId ?? undefined);
      if (set === "MESOSCALE") return this.descriptors.mesoscale(ids);
      return this.descriptors.simulation(ids);
    });
  }

  predictedOf(key: PropertyKey, modelId: number | null): DataLoader<MaterialRecord, PredictionResult, number> {
    return this.loader(`predicted:${key}:${modelId ?? "default"}`, async (materials) =>
      this.predictions.forMaterials(materials, await this.model(key, modelId)),
    );
  }

  private model(key: PropertyKey, modelId: number | null): Promise<ModelRecord> {
    const name = `${key}:${modelId ?? "default"}`;
    let model = this.models.get(name);
    if (!model) {
      model = this.predictions.resolveModel(key, modelId);
      this.models.set(name, model);
    }
    return model;
  }

  private loader<T>(
    name: string,
    batch: (materials: readonly MaterialRecord[]) => Promise<T[]>,
  ): DataLoader<MaterialRecord, T, number> {
    let loader = this.byArgs.get(name) as DataLoader<MaterialRecord, T, number> | undefined;
    if (!loader) {
      loader = new DataLoader<MaterialRecord, T, number>(batch, { cacheKeyFn: (m) => m.id, maxBatchSize: 1000 });
      this.byArgs.set(name, loader as DataLoader<MaterialRecord, unknown, number>);
    }
    return loader;
  }
}

const perRequest = new WeakMap<object, OnDemandLoaders>();

export function onDemandLoaders(ctx: GraphQLContext): OnDemandLoaders {
  let loaders = perRequest.get(ctx.loaders);
  if (!loaders) {
    loaders = new OnDemandLoaders(ctx);
    perRequest.set(ctx.loaders, loaders);
  }
  return loaders;
}
