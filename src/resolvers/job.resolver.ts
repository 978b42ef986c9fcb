import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { NotFoundError } from "../errors";
import type { JobRecord } from "../jobs/job-record";
import type { MaterialRecord } from "../services/records";
import { requireAdmin, requireJobs, type GraphQLContext } from "../schema/context";
import { JobFilterInput, JobType, SimulateInput } from "../schema/job.type";
import { MaterialType } from "../schema/material.type";
import { prepareSimulation } from "../services/simulation.service";
import { parseId } from "./material.resolver";

@Resolver(() => JobType)
export class JobResolver {
  @Query(() => JobType, { nullable: true })
  async job(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<JobRecord> {
    const job = await requireJobs(ctx).get(id);
    if (!job) throw new NotFoundError(`no job with id ${id}`);
    return job;
  }

  @Query(() => [JobType], { description: "Newest first" })
  jobs(
    @Ctx() ctx: GraphQLContext,
    @Arg("filter", () => JobFilterInput, { nullable: true }) filter?: JobFilterInput | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first?: number,
  ): Promise<JobRecord[]> {
    return requireJobs(ctx).list({
      states: filter?.states ?? null,
      kinds: filter?.kinds ?? null,
      materialId: filter?.materialId ? parseId(filter.materialId, "material") : null,
      first: Math.min(first ?? 50, ctx.config.maxPageSize),
    });
  }

  @Mutation(() => JobType, {
    description:
      "Runs a simulation as a job (token required). An identical request returns the existing job or its stored result",
  })
  async simulate(
    @Arg("input", () => SimulateInput) input: SimulateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<JobRecord> {
    const client = requireAdmin(ctx);
    const jobs = requireJobs(ctx);
    const prepared = await prepareSimulation(ctx.dataSource, ctx.reads, ctx.config, input);
    const { job } = await jobs.submit(prepared.kind, prepared.input, { client, materialId: prepared.materialId });
    return job;
  }

  @Mutation(() => JobType, { description: "Cancels a queued or running job; nothing of it is stored" })
  cancelJob(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<JobRecord> {
    requireAdmin(ctx);
    return requireJobs(ctx).cancel(id);
  }

  @Subscription(() => JobType, {
    description: "The job's state now, then every change until it ends (graphql-ws)",
    subscribe: ({ args, context }) => {
      const ctx = context as GraphQLContext;
      return requireJobs(ctx) && ctx.watcher!.watch(String((args as { id: string }).id));
    },
  })
  jobUpdated(@Root() job: JobRecord, @Arg("id", () => ID) _id: string): JobRecord {
    return job;
  }

  @FieldResolver(() => MaterialType, { nullable: true })
  async material(@Root() job: JobRecord, @Ctx() ctx: GraphQLContext): Promise<MaterialRecord | null> {
    return job.materialId == null ? null : ctx.loaders.materialById.load(job.materialId);
  }
}

@Resolver(() => MaterialType)
export class MaterialSimulationResolver {
  @FieldResolver(() => [JobType], { description: "Finished simulations of this material, newest first" })
  simulated(@Root() material: MaterialRecord, @Ctx() ctx: GraphQLContext): Promise<JobRecord[]> {
    return requireJobs(ctx).list({ materialId: material.id, states: ["SUCCEEDED"], first: 100 });
  }
}
