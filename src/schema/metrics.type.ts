import { Field, Int, ObjectType } from "type-graphql";
import { DescriptorSetEnum } from "./descriptor.type";

@ObjectType("DescriptorCacheCounter", { description: "Reads of one descriptor set by this server process" })
export class DescriptorCacheCounterType {
  @Field(() => DescriptorSetEnum)
  set!: DescriptorSetEnum;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  version!: string;

  @Field(() => Int, { description: "Vectors answered from the cache" })
  hits!: number;

  @Field(() => Int, { description: "Vectors computed (absent, or from an older version or changed input) and stored" })
  misses!: number;
}

@ObjectType("Metrics", { description: "Counters of this server process since it started" })
export class MetricsType {
  @Field(() => [DescriptorCacheCounterType])
  descriptorCache!: DescriptorCacheCounterType[];

  @Field(() => Int, { description: "Values predicted" })
  predictions!: number;

  @Field(() => Int, {
    description:
      "Material predictions answered from the process's memo (same model, same composition) without a model call",
  })
  predictionMemoHits!: number;

  @Field(() => Int, { description: "Model bundles restored from the store (model-cache misses)" })
  modelLoads!: number;
}
