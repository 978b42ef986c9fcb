import { GraphQLJSON } from "graphql-scalars";
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { PropertyKey } from "../domain/property-key";
import { Source } from "../domain/source";

export enum ModelKindEnum {
  GBDT = "gbdt",
  MLP = "mlp",
  FUSION = "fusion",
}

registerEnumType(ModelKindEnum, {
  name: "ModelKind",
  description:
    "GBDT: gradient-boosted trees (bagged, uncertainty from the bags); MLP: neural network; FUSION: multi-scale token model",
});

@ObjectType("Model", { simpleResolvers: true, description: "A trained model in the registry" })
export class ModelType {
  @Field(() => ID)
  id!: number;

  @Field(() => String)
  name!: string;

  @Field(() => PropertyKey, { description: "The property it predicts, in that key's canonical unit" })
  key!: PropertyKey;

  @Field(() => ModelKindEnum)
  kind!: ModelKindEnum;

  @Field(() => String, { description: "regression or classification" })
  task!: string;

  @Field(() => String)
  descriptorSet!: string;

  @Field(() => String)
  descriptorVersion!: string;

  @Field(() => GraphQLJSON, {
    description: "Scores on the held-out compositions (MAE, RMSE, R², n; classifiers: accuracy, F1, ROC AUC)",
  })
  metrics!: Record<string, unknown>;

  @Field(() => GraphQLJSON, {
    description: "Training data provenance: sources, rows, data hash, parameters, seed, job",
  })
  training!: Record<string, unknown>;

  @Field(() => Boolean, { description: "Flagged as its property's default (else the newest model is)" })
  isDefault!: boolean;

  @Field(() => Date, { nullable: true, description: "When it became its property's default (null unless isDefault)" })
  defaultSince!: Date | null;

  @Field(() => ID, { nullable: true, description: "The job that trained it" })
  jobId!: string | null;

  @Field(() => Date)
  createdAt!: Date;
}

@InputType("TrainModelInput")
export class TrainModelInput {
  @Field(() => PropertyKey)
  key!: PropertyKey;

  @Field(() => [Source], {
    nullable: true,
    description: "Sources whose values are the targets; default: every database (not SIMULATION)",
  })
  sources?: Source[] | null;

  @Field(() => ModelKindEnum, { nullable: true, defaultValue: ModelKindEnum.GBDT })
  model?: ModelKindEnum | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Hyper-parameters, e.g. {"bags": 4, "maxRounds": 500}' })
  params?: unknown;

  @Field(() => Int, { nullable: true, defaultValue: 1 })
  seed?: number | null;

  @Field(() => Float, {
    nullable: true,
    defaultValue: 0.1,
    description: "Share of compositions held out for metrics and calibration",
  })
  holdoutFraction?: number | null;

  @Field(() => String, { nullable: true, description: "Registry name; default: <kind>-<key>-<job>" })
  name?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: "Make it its property's default model" })
  makeDefault?: boolean | null;
}

@ObjectType("DefaultModelChange", { simpleResolvers: true, description: "One change of a property's default model" })
export class DefaultModelChangeType {
  @Field(() => ID)
  id!: number;

  @Field(() => PropertyKey)
  key!: PropertyKey;

  @Field(() => ID, { description: "The model that became the default" })
  modelId!: number;

  @Field(() => ID, { nullable: true, description: "The model it replaced (null when there was no flagged default)" })
  previousModelId!: number | null;

  @Field(() => String, {
    description: "Who changed it: the client of the setDefaultModel mutation, or the training job",
  })
  changedBy!: string;

  @Field(() => Date)
  changedAt!: Date;
}
