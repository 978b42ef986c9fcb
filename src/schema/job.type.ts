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
  MICRO_POLYCRYSTAL = "MICRO_POLYCRYSTAL",
  MICRO_COMPOSITE = "MICRO_COMPOSITE",
  FEM_IMPACT = "FEM_IMPACT",
}

registerEnumType(JobStateEnum, { name: "JobState" });
registerEnumType(SimulationKindEnum, {
  name: "SimulationKind",
  description:
    "MD_*: molecular dynamics with an EAM or LJ potential; FEM_*: finite elements fed by elastic constants or conductivity " +
    "(FEM_IMPACT: explicit dynamics of a struck plate); MICRO_*: mesoscale homogenisation of voxel microstructures",
});

@ObjectType("Job", {
  description: "An on-demand computation: queued, run by a worker, its result stored like any other property",
})
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

@InputType("ValueSource", {
  description: "Where an input value comes from: a source's stored value, or a finished job's result",
})
export class ValueSourceInput {
  @Field(() => Source, {
    nullable: true,
    description: "Use this source's value for the material (SIMULATION: an MD result)",
  })
  source?: Source | null;

  @Field(() => ID, { nullable: true, description: "Use the result of this finished job" })
  jobId?: string | null;
}

@InputType("MdSimulationInput")
export class MdSimulationInput {
  @Field(() => String, { description: "Potential file name in the server's potentials folder, e.g. Cu_u3.eam" })
  potential!: string;

  @Field(() => String, {
    nullable: true,
    description: "Element to take from a multi-element (setfl, Finnis–Sinclair) file",
  })
  element?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "fcc, bcc, hcp, diamond, b1, b2; default: the material's structure or fcc",
  })
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
  @Field(() => ValueSourceInput, {
    nullable: true,
    description: "Elastic constants: a source's values for the material, or an MD job",
  })
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

  @Field(() => Float, {
    nullable: true,
    description: "m; the side of the square plate (FEM_PLATE_WITH_HOLE, default 0.2)",
  })
  widthM?: number | null;

  @Field(() => Float, { nullable: true, description: "m" })
  heightM?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: "Hole radius, m (FEM_PLATE_WITH_HOLE; default a twentieth of widthM)",
  })
  holeRadiusM?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: "Plate thickness, m (FEM_PLATE_WITH_HOLE; default a fifth of the hole radius)",
  })
  thicknessM?: number | null;

  @Field(() => Float, { nullable: true, description: "Tip load (cantilever), N; traction (plate), Pa" })
  load?: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Elements along each axis, e.g. 40x4x4; for FEM_PLATE_WITH_HOLE angular x radial x thickness cells, e.g. 16x12x1",
  })
  elements?: string | null;

  @Field(() => String, { nullable: true, description: "hex8, hex8i (incompatible modes), hex8b (B-bar), hex20" })
  element?: string | null;
}

@InputType("PolycrystalSimulationInput", {
  description:
    "MICRO_POLYCRYSTAL: Voronoi grains of a cubic crystal on a periodic voxel grid, homogenised by voxel FEM",
})
export class PolycrystalSimulationInput {
  @Field(() => ValueSourceInput, {
    nullable: true,
    description:
      "Single-crystal C11, C12, C44: a source's elastic tensor for the material, or a finished MD_ELASTIC job",
  })
  elasticFrom?: ValueSourceInput | null;

  @Field(() => Float, { nullable: true, description: "GPa (with c12GPa and c44GPa, instead of elasticFrom)" })
  c11GPa?: number | null;

  @Field(() => Float, { nullable: true, description: "GPa" })
  c12GPa?: number | null;

  @Field(() => Float, { nullable: true, description: "GPa" })
  c44GPa?: number | null;

  @Field(() => Int, { nullable: true, description: "Voronoi seeds (default 50)" })
  grains?: number | null;

  @Field(() => Int, { nullable: true, description: "Voxels per edge of the cubic RVE (default 32)" })
  voxels?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: "PRNG seed: the same seed gives the same microstructure (default 1)",
  })
  seed?: number | null;

  @Field(() => String, { nullable: true, description: "random (default) or fibre" })
  texture?: string | null;

  @Field(() => [Float], {
    nullable: true,
    description: "fibre texture: crystal direction along the sample z axis (default [0, 0, 1])",
  })
  fibreAxis?: number[] | null;

  @Field(() => Float, { nullable: true, description: "Voxel edge, m (default 1e-6); scales the length descriptors" })
  voxelSizeM?: number | null;
}

@InputType("CompositePhaseInput", { description: "An isotropic phase of a composite" })
export class CompositePhaseInput {
  @Field(() => Float, { description: "Pa" })
  youngsModulusPa!: number;

  @Field(() => Float)
  poissonRatio!: number;

  @Field(() => Float, {
    nullable: true,
    description: "kg/m³; with both phases' densities the composite's density is their volume average",
  })
  densityKgM3?: number | null;
}

@InputType("CompositeSimulationInput", {
  description: "MICRO_COMPOSITE: spheres or fibres in a matrix on a periodic voxel grid, homogenised by voxel FEM",
})
export class CompositeSimulationInput {
  @Field(() => CompositePhaseInput)
  matrix!: CompositePhaseInput;

  @Field(() => CompositePhaseInput)
  inclusion!: CompositePhaseInput;

  @Field(() => Float, { description: "Target inclusion volume fraction in (0, 0.6]" })
  volumeFraction!: number;

  @Field(() => String, { nullable: true, description: "sphere (default) or fibre" })
  shape?: string | null;

  @Field(() => Float, { nullable: true, description: "Fibre length over diameter (default 10)" })
  aspectRatio?: number | null;

  @Field(() => String, { nullable: true, description: "Fibres: random (default) or aligned (along z)" })
  orientation?: string | null;

  @Field(() => Int, { nullable: true, description: "Voxels per edge of the cubic RVE (default 24)" })
  voxels?: number | null;

  @Field(() => Int, { nullable: true, description: "PRNG seed (default 1)" })
  seed?: number | null;
}

@InputType("ImpactSimulationInput", {
  description:
    "FEM_IMPACT: a rigid striker hitting the centre of a clamped plate (explicit dynamics, J2 plasticity, erosion)",
})
export class ImpactSimulationInput {
  @Field(() => ID, {
    nullable: true,
    description:
      "Take E, ν and density from this finished MICRO_COMPOSITE job's effective properties (instead of youngsModulusPa …)",
  })
  materialFromJobId?: string | null;

  @Field(() => Float, { nullable: true, description: "Pa" })
  youngsModulusPa?: number | null;

  @Field(() => Float, { nullable: true, description: "With youngsModulusPa (default 0.35)" })
  poissonRatio?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: "kg/m³; with materialFromJobId it replaces the composite's density",
  })
  densityKgM3?: number | null;

  @Field(() => Float, { nullable: true, description: "Initial yield stress, Pa; omitted: elastic plate" })
  yieldStressPa?: number | null;

  @Field(() => Float, { nullable: true, description: "Linear hardening modulus, Pa (default 0)" })
  hardeningModulusPa?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: "Erode elements at this maximum principal strain; omitted: no failure",
  })
  failureStrain?: number | null;

  @Field(() => Float, { nullable: true, description: "m (default 0.1)" })
  lengthM?: number | null;

  @Field(() => Float, { nullable: true, description: "m (default 0.1)" })
  widthM?: number | null;

  @Field(() => Float, { nullable: true, description: "m (default 0.005)" })
  thicknessM?: number | null;

  @Field(() => String, {
    nullable: true,
    description: "Cells of the whole plate, nx x ny x nz (default 20x20x2; even nx, ny)",
  })
  elements?: string | null;

  @Field(() => String, { nullable: true, description: "sphere (default) or flat" })
  strikerShape?: string | null;

  @Field(() => Float, { nullable: true, description: "m (default 0.01)" })
  strikerRadiusM?: number | null;

  @Field(() => Float, { nullable: true, description: "kg (default 1)" })
  strikerMassKg?: number | null;

  @Field(() => Float, { nullable: true, description: "Impact speed, m/s (default 5)" })
  speedMPerS?: number | null;

  @Field(() => Float, { nullable: true, description: "Simulated time, s (default 1e-3)" })
  durationS?: number | null;
}

@InputType("SimulateInput")
export class SimulateInput {
  @Field(() => SimulationKindEnum)
  kind!: SimulationKindEnum;

  @Field(() => ID, {
    nullable: true,
    description:
      "The material to simulate (or give formula); optional for MICRO_COMPOSITE and FEM_IMPACT, which describe a component",
  })
  materialId?: string | null;

  @Field(() => String, { nullable: true })
  formula?: string | null;

  @Field(() => MdSimulationInput, { nullable: true })
  md?: MdSimulationInput | null;

  @Field(() => FemSimulationInput, { nullable: true })
  fem?: FemSimulationInput | null;

  @Field(() => PolycrystalSimulationInput, { nullable: true })
  polycrystal?: PolycrystalSimulationInput | null;

  @Field(() => CompositeSimulationInput, { nullable: true })
  composite?: CompositeSimulationInput | null;

  @Field(() => ImpactSimulationInput, { nullable: true })
  impact?: ImpactSimulationInput | null;
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
