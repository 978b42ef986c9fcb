import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { PropertyKey } from "../domain/property-key";
import { Source } from "../domain/source";

export enum ChangeKindEnum {
  ADDED = "ADDED",
  VALUE_CHANGED = "VALUE_CHANGED",
  VALUE_REMOVED = "VALUE_REMOVED",
  WITHDRAWN = "WITHDRAWN",
}

registerEnumType(ChangeKindEnum, { name: "ChangeKind", description: "What happened to an entry or one of its values" });

@ObjectType("Change", { simpleResolvers: true, description: "One change ingestion made to one source's entries" })
export class ChangeType {
  @Field(() => ChangeKindEnum)
  kind!: ChangeKindEnum;

  @Field(() => Source)
  source!: Source;

  @Field(() => String)
  sourceId!: string;

  @Field(() => ID)
  entryId!: number;

  @Field(() => PropertyKey, { nullable: true })
  key!: PropertyKey | null;

  @Field(() => String, { nullable: true })
  method!: string | null;

  @Field(() => Float, { nullable: true })
  previousValue!: number | null;

  @Field(() => Float, { nullable: true })
  newValue!: number | null;

  @Field(() => String, { nullable: true })
  unit!: string | null;

  @Field(() => Int, { nullable: true })
  runId!: number | null;

  @Field(() => Date)
  at!: Date;
}
