import { Arg, Ctx, FieldResolver, ID, Resolver, Root } from "type-graphql";
import type { DescriptorVector } from "../services/descriptor-cache.service";
import type { MaterialRecord } from "../services/records";
import type { GraphQLContext } from "../schema/context";
import { onDemandLoaders } from "../schema/descriptor-loaders";
import { DescriptorSetEnum, DescriptorsType } from "../schema/descriptor.type";
import { MaterialType } from "../schema/material.type";
import { parseId } from "./material.resolver";

export function toDescriptorsType(v: DescriptorVector): DescriptorsType {
  return {
    set: v.set as DescriptorSetEnum,
    name: v.info.name,
    version: v.info.version,
    entryId: v.subjectKind === "entry" ? v.subjectId : null,
    features: v.info.features.map((f) => ({ name: f.name, unit: f.unit, group: f.group })),
    values: v.values ? Array.from(v.values, (x) => (Number.isFinite(x) ? x : null)) : null,
    error: v.error,
    cached: v.cached,
  };
}

@Resolver(() => MaterialType)
export class MaterialDescriptorResolver {
  @FieldResolver(() => DescriptorsType, {
    nullable: true,
    description:
      "Descriptors of this material, computed on first request and cached. STRUCTURE describes the given entry or the " +
      "material's first entry with a cell; SIMULATION its newest MD elastic result; MESOSCALE the microstructure of its newest MICRO_POLYCRYSTAL " +
      "result. Null when there is nothing to describe (no such result yet)",
  })
  async descriptors(
    @Root() material: MaterialRecord,
    @Arg("set", () => DescriptorSetEnum) set: DescriptorSetEnum,
    @Ctx() ctx: GraphQLContext,
    @Arg("entryId", () => ID, { nullable: true, description: "STRUCTURE: describe this entry of the material" })
    entryId?: string | null,
  ): Promise<DescriptorsType | null> {
    const entry = entryId ? parseId(entryId, "entry") : null;
    const vector = await onDemandLoaders(ctx)
      .descriptorsOf(set, set === DescriptorSetEnum.STRUCTURE ? entry : null)
      .load(material);
    return vector ? toDescriptorsType(vector) : null;
  }
}
