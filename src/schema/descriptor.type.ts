import { Field, Float, ID, ObjectType, registerEnumType } from "type-graphql";

export enum DescriptorSetEnum {
  COMPOSITION = "COMPOSITION",
  STRUCTURE = "STRUCTURE",
  SIMULATION = "SIMULATION",
  MESOSCALE = "MESOSCALE",
}

registerEnumType(DescriptorSetEnum, {
  name: "DescriptorSet",
  description:
    "COMPOSITION: Magpie statistics of the formula; STRUCTURE: of a stored cell; SIMULATION: of MatGraph's MD results; " +
    "MESOSCALE: of the microstructure of MatGraph's polycrystal results",
  valuesConfig: {
    COMPOSITION: { description: "Magpie composition descriptors (Ward et al. 2016), per material" },
    STRUCTURE: { description: "Density, packing, coordination, bond lengths, symmetry of one entry's cell" },
    SIMULATION: { description: "Elastic constants and derived moduli from the newest MD elastic job of the material" },
    MESOSCALE: {
      description:
        "Grain size, linear intercept, boundary area per volume and texture index of the newest MICRO_POLYCRYSTAL job of the material",
    },
  },
});

@ObjectType("DescriptorFeature", { simpleResolvers: true })
export class DescriptorFeatureType {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "Unit as text; 1 for dimensionless" })
  unit!: string;

  @Field(() => String, { description: "Feature group (the unit an ablation drops)" })
  group!: string;
}

@ObjectType("Descriptors", {
  simpleResolvers: true,
  description: "One descriptor vector, computed on first request and cached",
})
export class DescriptorsType {
  @Field(() => DescriptorSetEnum)
  set!: DescriptorSetEnum;

  @Field(() => String, { description: "Descriptor set name, e.g. magpie-composition" })
  name!: string;

  @Field(() => String, { description: "Version of the set; a new version recomputes cached vectors lazily" })
  version!: string;

  @Field(() => ID, { nullable: true, description: "The entry described (STRUCTURE and SIMULATION sets)" })
  entryId!: number | null;

  @Field(() => [DescriptorFeatureType])
  features!: DescriptorFeatureType[];

  @Field(() => [Float], { nullable: "itemsAndList", description: "One per feature, in order; null where unknown" })
  values!: Array<number | null> | null;

  @Field(() => String, { nullable: true, description: "Why the subject could not be featurised" })
  error!: string | null;

  @Field(() => Boolean, { description: "Read from the cache (true) or computed by this request (false)" })
  cached!: boolean;
}
