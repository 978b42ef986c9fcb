import { Ctx, Query, Resolver } from "type-graphql";
import { summariseSources, type SourceSummary } from "../services/source.service";
import type { GraphQLContext } from "../schema/context";
import { SourceSummaryType } from "../schema/source.type";

@Resolver(() => SourceSummaryType)
export class SourceResolver {
  @Query(() => [SourceSummaryType], { description: "Each source with its entry count and last ingest" })
  sources(@Ctx() ctx: GraphQLContext): Promise<SourceSummary[]> {
    return summariseSources(ctx.dataSource);
  }
}
