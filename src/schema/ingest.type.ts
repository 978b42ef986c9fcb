import { GraphQLJSON } from "graphql-scalars";
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Source } from "../domain/source";

/** The adapters `startIngest` can run (names of the src/ingest registry, upper-cased). */
export enum IngestAdapterEnum {
  MP = "mp",
  AFLOW = "aflow",
  OQMD = "oqmd",
  JARVIS = "jarvis",
  OPTIMADE = "optimade",
}

registerEnumType(IngestAdapterEnum, { name: "IngestAdapter", description: "A source ingestion can read" });

@ObjectType("SkippedRecord")
export class SkippedRecordType {
  @Field(() => String, { description: "The record's id in its source" })
  id!: string;

  @Field(() => String)
  reason!: string;
}

@ObjectType("IngestRun", { description: "One ingest of one source: what it read, what it changed, where it stopped" })
export class IngestRunType {
  @Field(() => ID)
  id!: number;

  @Field(() => Source)
  source!: Source;

  @Field(() => String, { description: "api or dump" })
  kind!: string;

  @Field(() => String, { description: "The URL or dump read" })
  target!: string;

  @Field(() => String, { description: "running, succeeded, failed or cancelled" })
  status!: string;

  @Field(() => String, { nullable: true, description: "The source's database release, where it states one" })
  release!: string | null;

  @Field(() => Date)
  startedAt!: Date;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Int)
  fetched!: number;

  @Field(() => Int)
  inserted!: number;

  @Field(() => Int)
  updated!: number;

  @Field(() => Int)
  unchanged!: number;

  @Field(() => Int)
  skipped!: number;

  @Field(() => Int, { description: "Entries this run found missing from the source and marked withdrawn" })
  withdrawn!: number;

  @Field(() => Int, { nullable: true, description: "Records the source said the listing holds" })
  total!: number | null;

  @Field(() => Float, { nullable: true, description: "fetched / total, when the total is known" })
  progress!: number | null;

  @Field(() => [SkippedRecordType])
  skippedRecords!: SkippedRecordType[];

  @Field(() => GraphQLJSON, { nullable: true, description: "Where a resumed run continues" })
  checkpoint!: unknown;

  @Field(() => String, { nullable: true })
  error!: string | null;
}

@InputType("StartIngestInput")
export class StartIngestInput {
  @Field(() => IngestAdapterEnum)
  source!: IngestAdapterEnum;

  @Field(() => String, { nullable: true, description: "Scheme and host the source's usual paths hang under" })
  baseUrl?: string | null;

  @Field(() => String, { nullable: true, description: "A dump to read instead of the API (path or URL)" })
  file?: string | null;

  @Field(() => String, { nullable: true, description: "The source's own filter expression" })
  filter?: string | null;

  @Field(() => Int, { nullable: true })
  limit?: number | null;

  @Field(() => Boolean, { nullable: true, description: "Continue the newest unfinished run of the same target" })
  resume?: boolean | null;
}
