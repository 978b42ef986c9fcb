import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { PropertyKey } from "../domain/property-key";
import { PredictionService } from "../services/prediction.service";
import type { PredictionResult } from "../services/prediction.service";
import type { MaterialRecord } from "../services/records";
import type { GraphQLContext } from "../schema/context";
import { onDemandLoaders } from "../schema/descriptor-loaders";
import { MaterialType } from "../schema/material.type";
import { PredictionType } from "../schema/prediction.type";
import { parseId } from "./material.resolver";

@Resolver(() => MaterialType)
export class MaterialPredictionResolver {
  @FieldResolver(() => PredictionType, {
    nullable: true,
    description: "This property as a registered model predicts it (the property's default model unless one is named)",
  })
  predicted(
    @Root() material: MaterialRecord,
    @Arg("key", () => PropertyKey) key: PropertyKey,
    @Ctx() ctx: GraphQLContext,
    @Arg("model", () => ID, { nullable: true }) model?: string | null,
  ): Promise<PredictionResult> {
    return onDemandLoaders(ctx)
      .predictedOf(key, model ? parseId(model, "model") : null)
      .load(material);
  }
}

@Resolver(() => PredictionType)
export class PredictionResolver {
  @Query(() => PredictionType, { description: "A prediction for any composition, in the store or not" })
  predict(
    @Arg("formula", () => String) formula: string,
    @Arg("key", () => PropertyKey) key: PropertyKey,
    @Ctx() ctx: GraphQLContext,
    @Arg("model", () => ID, { nullable: true }) model?: string | null,
  ): Promise<PredictionResult> {
    return new PredictionService(ctx.dataSource).forFormula(formula, key, model ? parseId(model, "model") : null);
  }
}
