import { GraphQLJSON } from "graphql-scalars";
import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { PropertyKey } from "../domain/property-key";
import { Source } from "../domain/source";
import { NotFoundError } from "../errors";
import type { EntryRecord, MaterialRecord, PropertyRecord } from "../services/records";
import type { GraphQLContext } from "../schema/context";
import { EntryType, SpacegroupType, StructureFileFormatEnum, StructureType } from "../schema/entry.type";
import { crystalOfEntry, structureFile } from "../services/structure-file.service";
import { MaterialType } from "../schema/material.type";
import { PropertyValueType } from "../schema/property-value.type";

@Resolver(() => EntryType)
export class EntryResolver {
  @Query(() => EntryType, { nullable: true, description: "One entry by its source and the source's id" })
  async entry(
    @Arg("source", () => Source) source: Source,
    @Arg("sourceId", () => String) sourceId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<EntryRecord> {
    const entry = await ctx.reads.entryBySourceId(source, sourceId);
    if (!entry) throw new NotFoundError(`no ${source} entry with id "${sourceId}"`);
    return entry;
  }

  @FieldResolver(() => MaterialType)
  async material(@Root() entry: EntryRecord, @Ctx() ctx: GraphQLContext): Promise<MaterialRecord> {
    const material = await ctx.loaders.materialById.load(entry.materialId);
    if (!material) throw new NotFoundError(`material ${entry.materialId} of entry ${entry.id} is missing`);
    return material;
  }

  @FieldResolver(() => String, { description: "Reduced formula of the entry's composition" })
  async formula(@Root() entry: EntryRecord, @Ctx() ctx: GraphQLContext): Promise<string> {
    return (await this.material(entry, ctx)).formula;
  }

  @FieldResolver(() => SpacegroupType, { nullable: true })
  spacegroup(@Root() entry: EntryRecord): SpacegroupType | null {
    if (entry.spacegroupNumber == null && entry.spacegroupSymbol == null) return null;
    return { number: entry.spacegroupNumber, symbol: entry.spacegroupSymbol };
  }

  @FieldResolver(() => StructureType, { nullable: true, description: "Null for entries without a structure" })
  structure(@Root() entry: EntryRecord): StructureType | null {
    const crystal = crystalOfEntry(entry);
    if (!crystal) return null;
    const sites = crystal.species.map((species, i) => {
      const abc = crystal.fracCoords[i] as number[];
      const xyz = [0, 1, 2].map((k) => abc.reduce((sum, f, j) => sum + f * (crystal.lattice[j]?.[k] ?? 0), 0));
      return { species, abc, xyz };
    });
    return { lattice: crystal.lattice, sites, nsites: sites.length, volume: entry.volumeAngstrom3 };
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "The structure as a file (CIF, POSCAR or extended XYZ); null for entries without a structure",
  })
  structureFile(
    @Root() entry: EntryRecord,
    @Arg("format", () => StructureFileFormatEnum) format: StructureFileFormatEnum,
  ): string | null {
    return structureFile(entry, format);
  }

  @FieldResolver(() => [PropertyValueType])
  properties(
    @Root() entry: EntryRecord,
    @Ctx() ctx: GraphQLContext,
    @Arg("keys", () => [PropertyKey], { nullable: true }) keys?: PropertyKey[] | null,
  ): Promise<PropertyRecord[]> {
    return ctx.loaders.propertiesOfEntry(keys ?? null).load(entry.id);
  }

  @FieldResolver(() => GraphQLJSON, { nullable: true, description: "The record as the source delivered it" })
  raw(@Root() entry: EntryRecord, @Ctx() ctx: GraphQLContext): Promise<unknown> {
    return ctx.loaders.rawByEntryId.load(entry.id);
  }
}

@Resolver(() => PropertyValueType)
export class PropertyValueResolver {
  @FieldResolver(() => EntryType)
  async entry(@Root() property: PropertyRecord, @Ctx() ctx: GraphQLContext): Promise<EntryRecord> {
    const entry = await ctx.loaders.entryById.load(property.entryId);
    if (!entry) throw new NotFoundError(`entry ${property.entryId} is missing`);
    return entry;
  }
}
