import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import { PropertyKey } from "../domain/property-key";
import { Source } from "../domain/source";
import { InvalidInputError, NotFoundError } from "../errors";
import { searchMaterials } from "../services/material-search.service";
import type { EntryRecord, MaterialRecord, PropertyRecord } from "../services/records";
import type { GraphQLContext } from "../schema/context";
import { EntryType } from "../schema/entry.type";
import { MaterialFilterInput, MaterialOrderInput } from "../schema/material-filter.input";
import { MaterialConnectionType, MaterialType } from "../schema/material.type";
import { PropertyValueType } from "../schema/property-value.type";

const DEFAULT_PAGE_SIZE = 20;

export function parseId(id: string, what: string): number {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new InvalidInputError(`${what} id must be a positive integer, got "${id}"`);
  return n;
}

@Resolver(() => MaterialType)
export class MaterialResolver {
  @Query(() => MaterialType, { nullable: true, description: "One material by id; NOT_FOUND when there is none" })
  async material(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<MaterialRecord> {
    const material = await ctx.loaders.materialById.load(parseId(id, "material"));
    if (!material) throw new NotFoundError(`no material with id ${id}`);
    return material;
  }

  @Query(() => MaterialType, { nullable: true, description: "The material of a composition, given any formula of it" })
  async materialByFormula(
    @Arg("formula", () => String) formula: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MaterialRecord | null> {
    return ctx.reads.materialByFormula(formula);
  }

  @Query(() => MaterialConnectionType, { description: "Materials matching a filter, as a Relay cursor connection" })
  async materials(
    @Ctx() ctx: GraphQLContext,
    @Arg("filter", () => MaterialFilterInput, { nullable: true }) filter?: MaterialFilterInput | null,
    @Arg("orderBy", () => MaterialOrderInput, { nullable: true }) orderBy?: MaterialOrderInput | null,
    @Arg("first", () => Int, { nullable: true, description: "Page size, at most 500 (default 20)" })
    first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<MaterialConnectionType> {
    const pageSize = first ?? DEFAULT_PAGE_SIZE;
    if (pageSize < 0 || pageSize > ctx.config.maxPageSize) {
      throw new InvalidInputError(`first must be between 0 and ${ctx.config.maxPageSize}, got ${pageSize}`);
    }
    const page = await searchMaterials(ctx.dataSource, { filter, orderBy, first: pageSize, after });
    for (const { material } of page.materials) ctx.loaders.materialById.prime(material.id, material);
    const edges = page.materials.map(({ material, cursor }) => ({ cursor, node: material }));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: page.hasPreviousPage,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      countTotal: () => page.totalCount(),
    };
  }

  @FieldResolver(() => [EntryType], { description: "Entries of this composition, from every source or the given ones" })
  entries(
    @Root() material: MaterialRecord,
    @Ctx() ctx: GraphQLContext,
    @Arg("source", () => Source, { nullable: true }) source?: Source | null,
    @Arg("sources", () => [Source], { nullable: true }) sources?: Source[] | null,
  ): Promise<EntryRecord[]> {
    const wanted = sources ?? (source ? [source] : null);
    return ctx.loaders.entriesOfMaterial(wanted).load(material.id);
  }

  @FieldResolver(() => [PropertyValueType], {
    description: "Every value of these keys across all sources (or the given ones): the cross-database view",
  })
  properties(
    @Root() material: MaterialRecord,
    @Ctx() ctx: GraphQLContext,
    @Arg("keys", () => [PropertyKey], { nullable: true }) keys?: PropertyKey[] | null,
    @Arg("sources", () => [Source], { nullable: true }) sources?: Source[] | null,
  ): Promise<PropertyRecord[]> {
    return ctx.loaders.propertiesOfMaterial(keys ?? null, sources ?? null).load(material.id);
  }
}

@Resolver(() => MaterialConnectionType)
export class MaterialConnectionResolver {
  @FieldResolver(() => Int, { description: "Materials matching the filter, over all pages" })
  totalCount(@Root() connection: MaterialConnectionType): Promise<number> {
    return connection.countTotal();
  }
}
