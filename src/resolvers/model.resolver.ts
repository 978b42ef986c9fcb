import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { PropertyKey } from "../domain/property-key";
import { NotFoundError } from "../errors";
import type { JobRecord } from "../jobs/job-record";
import { TRAIN_MODEL_KIND, trainModelJobInput } from "../services/model-jobs.service";
import { type DefaultModelChange, ModelRegistry, type ModelRecord } from "../services/model-registry.service";
import { requireAdmin, requireJobs, type GraphQLContext } from "../schema/context";
import { JobType } from "../schema/job.type";
import { DefaultModelChangeType, ModelType, TrainModelInput } from "../schema/model.type";
import { parseId } from "./material.resolver";

@Resolver(() => ModelType)
export class ModelResolver {
  @Query(() => [ModelType], { description: "The model registry, newest first" })
  models(
    @Ctx() ctx: GraphQLContext,
    @Arg("key", () => PropertyKey, { nullable: true }) key?: PropertyKey | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first?: number,
  ): Promise<ModelRecord[]> {
    return new ModelRegistry(ctx.dataSource).list({
      key: key ?? null,
      first: Math.min(first ?? 50, ctx.config.maxPageSize),
    });
  }

  @Query(() => ModelType, { nullable: true })
  async model(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ModelRecord> {
    const model = await new ModelRegistry(ctx.dataSource).byId(parseId(id, "model"));
    if (!model) throw new NotFoundError(`no model with id ${id}`);
    return model;
  }

  @Query(() => [DefaultModelChangeType], { description: "Changes of the properties' default models, newest first" })
  defaultModelChanges(
    @Ctx() ctx: GraphQLContext,
    @Arg("key", () => PropertyKey, { nullable: true }) key?: PropertyKey | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first?: number,
  ): Promise<DefaultModelChange[]> {
    return new ModelRegistry(ctx.dataSource).defaultChanges({
      key: key ?? null,
      first: Math.min(first ?? 50, ctx.config.maxPageSize),
    });
  }

  @Mutation(() => ModelType, {
    description:
      "Makes a registered model the default of its property (token required): predictions that name no model use it from now on. " +
      "The change is recorded (defaultModelChanges); naming the current default changes nothing",
  })
  setDefaultModel(
    @Arg("key", () => PropertyKey) key: PropertyKey,
    @Arg("model", () => ID) model: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ModelRecord> {
    const client = requireAdmin(ctx);
    return new ModelRegistry(ctx.dataSource).setDefault(key, parseId(model, "model"), client);
  }

  @Mutation(() => JobType, {
    description:
      "Trains a model on the store's values as a job (token required); the finished job's result names the registered model",
  })
  async trainModel(
    @Arg("input", () => TrainModelInput) input: TrainModelInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<JobRecord> {
    const client = requireAdmin(ctx);
    const jobs = requireJobs(ctx);
    const jobInput = await trainModelJobInput(ctx.dataSource, input);
    const { job } = await jobs.submit(TRAIN_MODEL_KIND, { ...jobInput }, { client });
    return job;
  }
}
