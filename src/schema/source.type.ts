import { Field, Int, ObjectType } from "type-graphql";
import { Source } from "../domain/source";

@ObjectType("SourceSummary", { simpleResolvers: true })
export class SourceSummaryType {
  @Field(() => Source)
  source!: Source;

  @Field(() => Int)
  entryCount!: number;

  @Field(() => Int)
  materialCount!: number;

  @Field(() => Date, { nullable: true, description: "End of the last successful ingest" })
  lastIngestAt!: Date | null;

  @Field(() => String, { nullable: true, description: "Database release of the last successful ingest, where stated" })
  release!: string | null;
}
