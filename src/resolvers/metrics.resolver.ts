import { Query, Resolver } from "type-graphql";
import { descriptorCacheCounters } from "../services/descriptor-cache.service";
import { modelLoadCount } from "../services/model-registry.service";
import { predictionCount, predictionMemoHitCount } from "../services/prediction.service";
import type { DescriptorSetEnum } from "../schema/descriptor.type";
import { MetricsType } from "../schema/metrics.type";

@Resolver(() => MetricsType)
export class MetricsResolver {
  @Query(() => MetricsType, {
    description: "Descriptor-cache hits and misses and prediction counters of this server process",
  })
  metrics(): MetricsType {
    return {
      descriptorCache: descriptorCacheCounters().map((c) => ({ ...c, set: c.set as DescriptorSetEnum })),
      predictions: predictionCount(),
      predictionMemoHits: predictionMemoHitCount(),
      modelLoads: modelLoadCount(),
    };
  }
}
