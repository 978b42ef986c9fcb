import { Arg, Ctx, Int, Query, Resolver } from "type-graphql";
import { Source } from "../domain/source";
import { InvalidInputError } from "../errors";
import { ChangeType } from "../schema/change.type";
import type { GraphQLContext } from "../schema/context";
import { listChanges, type ChangeRecord } from "../services/change.service";

const DEFAULT_CHANGES = 100;

@Resolver(() => ChangeType)
export class ChangeResolver {
  @Query(() => [ChangeType], {
    description:
      "What ingestion changed in one source since a moment: entries added and withdrawn, values replaced and removed",
  })
  changes(
    @Arg("source", () => Source) source: Source,
    @Arg("since", () => Date) since: Date,
    @Ctx() ctx: GraphQLContext,
    @Arg("first", () => Int, { nullable: true, description: "At most this many, oldest first (default 100)" })
    first?: number | null,
  ): Promise<ChangeRecord[]> {
    const limit = first ?? DEFAULT_CHANGES;
    if (limit < 0 || limit > ctx.config.maxPageSize) {
      throw new InvalidInputError(`first must be between 0 and ${ctx.config.maxPageSize}, got ${limit}`);
    }
    return listChanges(ctx.dataSource, { source, since, first: limit });
  }
}
