import { Field, Float, InputType, Int } from "type-graphql";
import { PropertyKey } from "../domain/property-key";
import { Source } from "../domain/source";
import { MaterialOrderFieldEnum, SortDirectionEnum } from "./enums";

@InputType("ElementsFilter", { description: "Element symbols; an unknown symbol is an error" })
export class ElementsFilterInput {
  @Field(() => [String], { nullable: true, description: "Contains all of these" })
  hasAll?: string[] | null;

  @Field(() => [String], { nullable: true, description: "Contains at least one of these" })
  hasAny?: string[] | null;

  @Field(() => [String], { nullable: true, description: "Contains nothing but these" })
  hasOnly?: string[] | null;

  @Field(() => [String], { nullable: true, description: "Contains none of these" })
  excludes?: string[] | null;
}

@InputType("IntRange")
export class IntRangeInput {
  @Field(() => Int, { nullable: true })
  min?: number | null;

  @Field(() => Int, { nullable: true })
  max?: number | null;
}

@InputType("PropertyRange", {
  description: "Materials with at least one value of `key` in [min, max] (canonical unit)",
})
export class PropertyRangeInput {
  @Field(() => PropertyKey)
  key!: PropertyKey;

  @Field(() => Float, { nullable: true })
  min?: number | null;

  @Field(() => Float, { nullable: true })
  max?: number | null;

  @Field(() => Source, { nullable: true, description: "Only values from this source count" })
  source?: Source | null;
}

@InputType("MaterialFilter", { description: "All given conditions must hold" })
export class MaterialFilterInput {
  @Field(() => ElementsFilterInput, { nullable: true })
  elements?: ElementsFilterInput | null;

  @Field(() => IntRangeInput, { nullable: true })
  nelements?: IntRangeInput | null;

  @Field(() => String, { nullable: true, description: "Any formula of the composition, e.g. Fe2O3 or Fe4O6" })
  formula?: string | null;

  @Field(() => String, { nullable: true, description: "Chemical system in any order, e.g. O-Fe" })
  chemsys?: string | null;

  @Field(() => [Source], { nullable: true, description: "Has an entry from at least one of these sources" })
  sources?: Source[] | null;

  @Field(() => [PropertyRangeInput], { nullable: true })
  properties?: PropertyRangeInput[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'An OPTIMADE v1 filter, e.g. elements HAS ALL "Fe","O" AND nelements <= 3',
  })
  optimadeFilter?: string | null;
}

@InputType("MaterialOrder")
export class MaterialOrderInput {
  @Field(() => MaterialOrderFieldEnum)
  field!: MaterialOrderFieldEnum;

  @Field(() => SortDirectionEnum, { nullable: true, defaultValue: SortDirectionEnum.ASC })
  direction?: SortDirectionEnum | null;

  @Field(() => PropertyKey, {
    nullable: true,
    description: "With PROPERTY: order by the mean of this key's values; materials without one are left out",
  })
  key?: PropertyKey | null;

  @Field(() => Source, { nullable: true, description: "With PROPERTY: only this source's values count" })
  source?: Source | null;
}
