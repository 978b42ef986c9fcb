import { Field, Float, Int, ObjectType } from "type-graphql";
import { PropertyKey } from "../domain/property-key";

@ObjectType("PropertyChange", {
  simpleResolvers: true,
  description: "A value a re-ingest replaced or removed, with the run that did it",
})
export class PropertyChangeType {
  @Field(() => PropertyKey)
  key!: PropertyKey;

  @Field(() => String)
  method!: string;

  @Field(() => Float, { nullable: true })
  temperatureK!: number | null;

  @Field(() => Float, { nullable: true, description: "The value before the change, in `unit`" })
  previousValue!: number | null;

  @Field(() => [Float], { nullable: true })
  previousValues!: number[] | null;

  @Field(() => Float, { nullable: true, description: "The value that replaced it; null when the property was removed" })
  newValue!: number | null;

  @Field(() => [Float], { nullable: true })
  newValues!: number[] | null;

  @Field(() => String, { description: "Canonical unit" })
  unit!: string;

  @Field(() => Float, { nullable: true, description: "The previous value as the source reported it" })
  previousSourceValue!: number | null;

  @Field(() => String, { nullable: true })
  previousSourceUnit!: string | null;

  @Field(() => Int, { nullable: true, description: "The ingest run that replaced the value" })
  runId!: number | null;

  @Field(() => Date)
  at!: Date;
}
