import { Field, Float, ObjectType } from "type-graphql";
import { PropertyKey } from "../domain/property-key";
import { Source } from "../domain/source";

@ObjectType("PropertyValue", {
  simpleResolvers: true,
  description: "One value of one property from one entry, in the key's canonical unit",
})
export class PropertyValueType {
  @Field(() => PropertyKey)
  key!: PropertyKey;

  @Field(() => Float, { nullable: true, description: "In `unit`" })
  value!: number | null;

  @Field(() => [Float], { nullable: true, description: "Array-valued keys (ELASTIC_TENSOR: 6×6 Voigt, row-major)" })
  values!: number[] | null;

  @Field(() => String, { description: "Canonical unit of the key; empty for dimensionless values" })
  unit!: string;

  @Field(() => Source)
  source!: Source;

  @Field(() => String, { description: "Id of the entry in its source" })
  sourceId!: string;

  @Field(() => String, { description: "Method, e.g. AEL, AGL, DFT-PBE, MD-EAM:Cu_u3.eam; empty when unknown" })
  method!: string;

  @Field(() => Float, { nullable: true, description: "Temperature of the value, K" })
  temperatureK!: number | null;

  @Field(() => Float, { nullable: true, description: "The value as the source reported it, in sourceUnit" })
  sourceValue!: number | null;

  @Field(() => String, { nullable: true })
  sourceUnit!: string | null;

  @Field(() => Date)
  updatedAt!: Date;
}
