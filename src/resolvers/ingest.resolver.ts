import { Arg, Ctx, FieldResolver, Float, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Source } from "../domain/source";
import { InvalidInputError, NotFoundError, UnauthenticatedError } from "../errors";
import type { GraphQLContext } from "../schema/context";
import { IngestRunType, StartIngestInput } from "../schema/ingest.type";
import { ingestRunById, listIngestRuns, startIngestRun, type IngestRunRecord } from "../services/ingest-run.service";
import { parseId } from "./material.resolver";

const DEFAULT_RUNS = 20;

@Resolver(() => IngestRunType)
export class IngestResolver {
  @Query(() => [IngestRunType], { description: "Ingest runs, newest first, with their progress and outcome" })
  ingestRuns(
    @Ctx() ctx: GraphQLContext,
    @Arg("source", () => Source, { nullable: true }) source?: Source | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
  ): Promise<IngestRunRecord[]> {
    const limit = first ?? DEFAULT_RUNS;
    if (limit < 0 || limit > ctx.config.maxPageSize) {
      throw new InvalidInputError(`first must be between 0 and ${ctx.config.maxPageSize}, got ${limit}`);
    }
    return listIngestRuns(ctx.dataSource, { source: source ?? null, first: limit });
  }

  @Query(() => IngestRunType, { nullable: true })
  async ingestRun(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<IngestRunRecord> {
    const run = await ingestRunById(ctx.dataSource, parseId(id, "ingest run"));
    if (!run) throw new NotFoundError(`no ingest run with id ${id}`);
    return run;
  }

  @Mutation(() => IngestRunType, {
    description: "Starts an ingest run (admin only) and returns it at once; poll ingestRun(id) for its progress",
  })
  async startIngest(
    @Arg("input", () => StartIngestInput) input: StartIngestInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<IngestRunRecord> {
    if (!ctx.isAdmin) throw new UnauthenticatedError("starting an ingest run needs an admin token");
    if (input.limit != null && input.limit < 1)
      throw new InvalidInputError(`limit must be positive, got ${input.limit}`);
    const id = await startIngestRun(ctx.dataSource, ctx.config, {
      adapter: input.source,
      ...(input.baseUrl ? { baseUrl: input.baseUrl } : {}),
      ...(input.file ? { file: input.file } : {}),
      ...(input.filter ? { filter: input.filter } : {}),
      ...(input.limit != null ? { limit: input.limit } : {}),
      ...(input.resume ? { resume: true } : {}),
    });
    const run = await ingestRunById(ctx.dataSource, id);
    if (!run) throw new NotFoundError(`ingest run ${id} vanished`);
    return run;
  }

  @FieldResolver(() => Float, { nullable: true })
  progress(@Root() run: IngestRunRecord): number | null {
    return run.total ? Math.min(1, run.fetched / run.total) : null;
  }
}
