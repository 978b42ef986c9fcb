import { GraphQLJSON } from "graphql-scalars";
import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { PropertyKey } from "../domain/property-key";
import { Source } from "../domain/source";
import { ModelKindEnum } from "./model.type";

@ObjectType("TransferPair", {
  description: "One model's score: trained on these sources, tested on the test source's unseen compositions",
})
export class TransferPairType {
  @Field(() => [Source])
  trainSources!: Source[];

  @Field(() => Source)
  testSource!: Source;

  @Field(() => Int)
  trainRows!: number;

  @Field(() => Int)
  testRows!: number;

  @Field(() => Float, { nullable: true, description: "Mean absolute error, the key's unit" })
  mae!: number | null;

  @Field(() => Float, { nullable: true, description: "Root-mean-square error, the key's unit" })
  rmse!: number | null;

  @Field(() => Float, { nullable: true, description: "Coefficient of determination on the test rows" })
  r2!: number | null;
}

@ObjectType("TransferReport", { description: "A stored transfer experiment: train on some sources, test on another" })
export class TransferReportType {
  @Field(() => ID)
  id!: number;

  @Field(() => PropertyKey)
  key!: PropertyKey;

  @Field(() => String)
  unit!: string;

  @Field(() => ModelKindEnum)
  model!: ModelKindEnum;

  @Field(() => [Source])
  trainSources!: Source[];

  @Field(() => Source)
  testSource!: Source;

  @Field(() => Int, { description: "Test compositions dropped because a training source holds them too" })
  excludedOverlap!: number;

  @Field(() => GraphQLJSON, { description: "Usable rows per source" })
  rowsBySource!: Record<string, number>;

  @Field(() => [TransferPairType], { description: "All training sources together first, then each alone" })
  pairs!: TransferPairType[];

  @Field(() => String, { description: "Parity plot (predicted against actual), SVG" })
  parityPlotSvg!: string;

  @Field(() => GraphQLJSON, { description: "The full report" })
  report!: Record<string, unknown>;

  @Field(() => ID, { nullable: true })
  jobId!: string | null;

  @Field(() => Date)
  createdAt!: Date;
}
