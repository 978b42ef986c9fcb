import { Field, Float, ObjectType } from "type-graphql";
import { PropertyKey } from "../domain/property-key";
import { ModelType } from "./model.type";

// Plain fields (simpleResolvers): graphql's default resolver reads them, skipping type-graphql's per-field
// wrapper, which on a warm page of 500 predictions costs more than the predictions themselves.
@ObjectType("Prediction", { simpleResolvers: true, description: "A property value predicted by a registered model" })
export class PredictionType {
  @Field(() => String, { description: "Reduced formula" })
  formula!: string;

  @Field(() => PropertyKey)
  key!: PropertyKey;

  @Field(() => Float, { nullable: true, description: "Null when the composition cannot be featurised (see error)" })
  value!: number | null;

  @Field(() => Float, { nullable: true, description: "Calibrated standard deviation, same unit" })
  uncertainty!: number | null;

  @Field(() => String, { description: "The key's canonical unit" })
  unit!: string;

  @Field(() => ModelType)
  model!: ModelType;

  @Field(() => String, { nullable: true })
  error!: string | null;
}
