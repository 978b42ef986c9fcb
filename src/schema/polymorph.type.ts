import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { PropertyKey } from "../domain/property-key";
import { Source } from "../domain/source";
import { SpacegroupType } from "./entry.type";
import { PropertyValueType } from "./property-value.type";

@ObjectType("Polymorph", {
  simpleResolvers: true,
  description:
    "One distinct crystal structure of a material, with the entries of every source whose structure matches it " +
    "(structure matcher on primitive Niggli cells; ltol 0.2, stol 0.3, angle_tol 5°)",
})
export class PolymorphType {
  @Field(() => ID)
  id!: number;

  @Field(() => SpacegroupType, { nullable: true, description: "The space group most member entries report" })
  spacegroup!: SpacegroupType | null;

  @Field(() => Int)
  entryCount!: number;

  @Field(() => [Source], { description: "Sources with an entry of this structure" })
  sources!: Source[];
}

@ObjectType("PolymorphProperty", {
  simpleResolvers: true,
  description: "One key's values across the entries of one polymorph, side by side",
})
export class PolymorphPropertyType {
  @Field(() => PropertyKey)
  key!: PropertyKey;

  @Field(() => String, { description: "Canonical unit of the key" })
  unit!: string;

  @Field(() => [PropertyValueType])
  values!: PropertyValueType[];

  @Field(() => Int)
  count!: number;

  @Field(() => Float, { nullable: true })
  min!: number | null;

  @Field(() => Float, { nullable: true })
  max!: number | null;

  @Field(() => Float, { nullable: true })
  mean!: number | null;

  @Field(() => Float, { nullable: true, description: "max − min across sources and methods, in `unit`" })
  spread!: number | null;

  @Field(() => [Source])
  sources!: Source[];
}
