import { Field, ID, Int, ObjectType } from "type-graphql";

// Every object type of the read API sets `simpleResolvers`: its fields are read off plain rows by graphql's
// default resolver instead of type-graphql's per-field middleware wrapper, which costs more than the rest of
// a 50-material page. No global middlewares exist; field resolvers (entries, properties) are unaffected.

@ObjectType("Material", {
  simpleResolvers: true,
  description: "One composition, with every entry of every source that has it",
})
export class MaterialType {
  @Field(() => ID)
  id!: number;

  @Field(() => String, { description: "Reduced formula, OPTIMADE chemical_formula_reduced convention" })
  formula!: string;

  @Field(() => [String], { description: "Element symbols in alphabetical order" })
  elements!: string[];

  @Field(() => Int)
  nelements!: number;

  @Field(() => String, { description: "Chemical system, e.g. Fe-O" })
  chemsys!: string;

  @Field(() => String, { description: "OPTIMADE chemical_formula_anonymous, e.g. A3B2" })
  anonymousFormula!: string;
}

@ObjectType("PageInfo", { simpleResolvers: true })
export class PageInfoType {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType("MaterialEdge", { simpleResolvers: true })
export class MaterialEdgeType {
  @Field(() => String)
  cursor!: string;

  @Field(() => MaterialType)
  node!: MaterialType;
}

@ObjectType("MaterialConnection", { simpleResolvers: true })
export class MaterialConnectionType {
  @Field(() => [MaterialEdgeType])
  edges!: MaterialEdgeType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;

  /** Resolved by a field resolver, only when selected. */
  countTotal!: () => Promise<number>;
}
