import { GraphQLJSON } from "graphql-scalars";
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Source } from "../domain/source";

export enum JobStateEnum {
  QUEUED = "QUEUED",
  RUNNING = "RUNNING",
  SUCCEEDED = "SUCCEEDED",
  FAILED = "FAILED",
  CANCELLED = "CANCELLED",
}

export enum SimulationKindEnum {
  MD_ELASTIC = "MD_ELASTIC",
  MD_THERMAL_CONDUCTIVITY = "MD_THERMAL_CONDUCTIVITY",
  MD_MELTING = "MD_MELTING",
  FEM_CANTILEVER = "FEM_CANTILEVER",
  FEM_PLATE_WITH_HOLE = "FEM_PLATE_WITH_HOLE",
  FEM_HEAT = "FEM_HEAT",
}

registerEnumType(JobStateEnum, { name: "JobState" });
registerEnumType(SimulationKindEnum, {
  name: "SimulationKind",
  description: "MD_*: molecular dynamics with an EAM or LJ potential; FEM_*: finite elements fed by elastic constants or conductivity",
});

@ObjectType("Job", { description: "An on-demand computation: queued, run by a worker, its result stored like any other property" })
export class JobType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: "e.g. md.elastic, fem.cantilever" })
  kind!: string;

  @Field(() => JobStateEnum)
  state!: JobStateEnum;

  @Field(() => Float, { description: "0–1" })
  progress!: number;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => GraphQLJSON, { description: "The request as the worker runs it, with file hashes" })
  input!: Record<string, unknown>;

  @Field(() => GraphQLJSON, { nullable: true, description: "Summary of the result (units in the key names)" })
  result!: Record<string, unknown> | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}

@InputType("ValueSource", { description: "Where an input value comes from: a source's stored value, or a finished job's result" })
export class ValueSourceInput {
  @Field(() => Source, { nullable: true, description: "Use this source's value for the material (SIMULATION: an MD result)" })
  source?: Source | null;

  @Field(() => ID, { nullable: true, description: "Use the result of this finished job" })
  jobId?: string | null;
}

@InputType("MdSimulationInput")
export class MdSimulationInput {
  @Field(() => String, { description: "Potential file name in the server's potentials folder, e.g. Cu_u3.eam" })
  potential!: string;

  @Field(() => String, { nullable: true, description: "Element to take from a multi-element (setfl, Finnis–Sinclair) file" })
  element?: string | null;

  @Field(() => String, { nullable: true, description: "fcc, bcc, hcp, diamond, b1, b2; default: the material's structure or fcc" })
  lattice?: string | null;

  @Field(() => Float, { nullable: true, description: "Lattice constant guess, Å" })
  a0?: number | null;

  @Field(() => [Int], { nullable: true, description: "Supercell repeats along a, b, c" })
  repeat?: number[] | null;

  @Field(() => Float, { nullable: true, description: "K" })
  temperatureK?: number | null;

  @Field(() => Int, { nullable: true, description: "MD steps (thermal conductivity, melting)" })
  steps?: number | null;

  @Field(() => Int, { nullable: true })
  seed?: number | null;
}

@InputType("FemSimulationInput")
export class FemSimulationInput {
  @Field(() => ValueSourceInput, { nullable: true, description: "Elastic constants: a source's values for the material, or an MD job" })
  elasticFrom?: ValueSourceInput | null;

  @Field(() => ValueSourceInput, { nullable: true, description: "Thermal conductivity (FEM_HEAT)" })
  conductivityFrom?: ValueSourceInput | null;

  @Field(() => Float, { nullable: true, description: "Young's modulus, Pa (instead of elasticFrom)" })
  youngsModulusPa?: number | null;

  @Field(() => Float, { nullable: true })
  poissonRatio?: number | null;

  @Field(() => Float, { nullable: true, description: "W/m/K (instead of conductivityFrom)" })
  conductivityWPerMK?: number | null;

  @Field(() => Float, { nullable: true, description: "m" })
  lengthM?: number | null;

  @Field(() => Float, { nullable: true, description: "m" })
  widthM?: number | null;

  @Field(() => Float, { nullable: true, description: "m" })
  heightM?: number | null;

  @Field(() => Float, { nullable: true, description: "Tip load (cantilever), N; traction (plate), Pa" })
  load?: number | null;

  @Field(() => String, { nullable: true, description: "Elements along each axis, e.g. 40x4x4" })
  elements?: string | null;

  @Field(() => String, { nullable: true, description: "hex8, hex8i (incompatible modes), hex8b (B-bar), hex20" })
  element?: string | null;
}

@InputType("SimulateInput")
export class SimulateInput {
  @Field(() => SimulationKindEnum)
  kind!: SimulationKindEnum;

  @Field(() => ID, { nullable: true, description: "The material to simulate (or give formula)" })
  materialId?: string | null;

  @Field(() => String, { nullable: true })
  formula?: string | null;

  @Field(() => MdSimulationInput, { nullable: true })
  md?: MdSimulationInput | null;

  @Field(() => FemSimulationInput, { nullable: true })
  fem?: FemSimulationInput | null;
}

@InputType("JobFilter")
export class JobFilterInput {
  @Field(() => [JobStateEnum], { nullable: true })
  states?: JobStateEnum[] | null;

  @Field(() => [String], { nullable: true })
  kinds?: string[] | null;

  @Field(() => ID, { nullable: true })
  materialId?: string | null;
}
