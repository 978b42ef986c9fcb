import DataLoader from "dataloader";
import { Arg, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { PropertyKey } from "../domain/property-key";
import type { GraphQLContext } from "../schema/context";
import { EntryType, SpacegroupType } from "../schema/entry.type";
import { MaterialType } from "../schema/material.type";
import { PolymorphPropertyType, PolymorphType } from "../schema/polymorph.type";
import {
  comparePolymorphProperties,
  entriesByPolymorphs,
  polymorphsByMaterials,
  type PolymorphComparison,
  type PolymorphRecord,
} from "../services/polymorph.service";
import type { EntryRecord, MaterialRecord } from "../services/records";

/** Per-request loaders of this file, so a page of materials costs one statement per field. */
class PolymorphLoaders {
  readonly byMaterial: DataLoader<number, PolymorphRecord[]>;
  readonly entries: DataLoader<number, EntryRecord[]>;
  private readonly comparisons = new Map<string, DataLoader<number, PolymorphComparison[]>>();

  constructor(private readonly ctx: GraphQLContext) {
    this.byMaterial = new DataLoader((ids) => polymorphsByMaterials(ctx.dataSource, ids));
    this.entries = new DataLoader((ids) => entriesByPolymorphs(ctx.dataSource, ids));
  }

  compare(keys: readonly PropertyKey[] | null): DataLoader<number, PolymorphComparison[]> {
    const name = keys ? [...new Set(keys)].sort().join(",") : "*";
    let loader = this.comparisons.get(name);
    if (!loader) {
      loader = new DataLoader((ids) => comparePolymorphProperties(this.ctx.dataSource, ids, keys));
      this.comparisons.set(name, loader);
    }
    return loader;
  }
}

const loaders = new WeakMap<GraphQLContext, PolymorphLoaders>();
function loadersOf(ctx: GraphQLContext): PolymorphLoaders {
  let l = loaders.get(ctx);
  if (!l) loaders.set(ctx, (l = new PolymorphLoaders(ctx)));
  return l;
}

@Resolver(() => MaterialType)
export class MaterialPolymorphResolver {
  @FieldResolver(() => [PolymorphType], {
    description: "Distinct structures of this composition, each with the matching entries of every source",
  })
  polymorphs(@Root() material: MaterialRecord, @Ctx() ctx: GraphQLContext): Promise<PolymorphRecord[]> {
    return loadersOf(ctx).byMaterial.load(material.id);
  }
}

@Resolver(() => PolymorphType)
export class PolymorphResolver {
  @FieldResolver(() => SpacegroupType, { nullable: true })
  spacegroup(@Root() polymorph: PolymorphRecord): SpacegroupType | null {
    if (polymorph.spacegroupNumber == null && polymorph.spacegroupSymbol == null) return null;
    return { number: polymorph.spacegroupNumber, symbol: polymorph.spacegroupSymbol };
  }

  @FieldResolver(() => [EntryType], { description: "Entries of every source with this structure" })
  entries(@Root() polymorph: PolymorphRecord, @Ctx() ctx: GraphQLContext): Promise<EntryRecord[]> {
    return loadersOf(ctx).entries.load(polymorph.id);
  }

  @FieldResolver(() => [PolymorphPropertyType], {
    description: "Values of these keys from every entry of this structure, side by side, with the spread between them",
  })
  properties(
    @Root() polymorph: PolymorphRecord,
    @Ctx() ctx: GraphQLContext,
    @Arg("keys", () => [PropertyKey], { nullable: true }) keys?: PropertyKey[] | null,
  ): Promise<PolymorphComparison[]> {
    return loadersOf(ctx)
      .compare(keys ?? null)
      .load(polymorph.id);
  }
}
