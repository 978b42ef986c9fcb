import { createHash } from "node:crypto";
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import type { DataSource } from "typeorm";
import type { Config } from "../config";
import { Composition } from "../engine/chem/composition";
import { isElasticElementName } from "../engine/fem";
import { loadPotential } from "../engine/md/potentials";
import { COMPUTATIONS } from "../jobs/computations";
import { PropertyKey } from "../domain/property-key";
import { type Source } from "../domain/source";
import { InvalidInputError, NotFoundError } from "../errors";
import type {
  CompositePhaseInput,
  CompositeSimulationInput,
  FemSimulationInput,
  ImpactSimulationInput,
  MdSimulationInput,
  PolycrystalSimulationInput,
  SimulateInput,
  ValueSourceInput,
} from "../schema/job.type";
import type { MaterialReadService } from "./material-read.service";
import type { MaterialRecord } from "./records";

/**
 * Turns a `simulate` request into a job input: validated, limits checked, every
 * value it depends on resolved (the potential file's hash, the elastic constants
 * from the chosen source or MD job), so that the input alone says what was computed
 * and identical requests hash equally.
 */
export interface PreparedSimulation {
  readonly kind: string;
  readonly input: Record<string, unknown>;
  readonly materialId: number | null;
}

const KIND_NAMES: Record<string, string> = {
  MD_ELASTIC: "md.elastic",
  MD_THERMAL_CONDUCTIVITY: "md.thermal-conductivity",
  MD_MELTING: "md.melting",
  FEM_CANTILEVER: "fem.cantilever",
  FEM_PLATE_WITH_HOLE: "fem.plate-with-hole",
  FEM_HEAT: "fem.heat",
  FEM_IMPACT: "fem.impact",
  MICRO_POLYCRYSTAL: "micro.polycrystal",
  MICRO_COMPOSITE: "micro.composite",
};

/** Kinds that describe a component rather than a material: the material is optional. */
const COMPONENT_KINDS = new Set(["fem.impact", "micro.composite"]);

const ATOMS_PER_CELL: Record<string, number> = { fcc: 4, bcc: 2, hcp: 4, diamond: 8, b1: 8, b2: 2 };

export async function prepareSimulation(
  dataSource: DataSource,
  reads: MaterialReadService,
  config: Config,
  request: SimulateInput,
): Promise<PreparedSimulation> {
  const kind = KIND_NAMES[request.kind];
  if (!kind || !COMPUTATIONS[kind]) {
    const available = Object.entries(KIND_NAMES)
      .filter(([, k]) => COMPUTATIONS[k])
      .map(([name]) => name);
    throw new InvalidInputError(`${request.kind} is not available on this server; available: ${available.join(", ")}`);
  }
  const optional = COMPONENT_KINDS.has(kind) && !request.materialId && !request.formula;
  const material = optional ? null : await resolveMaterial(reads, request);
  const formula = optional ? null : (material?.formula ?? Composition.parse(request.formula ?? "").reducedFormula);
  const materialId = material?.id ?? null;
  if (kind === "micro.polycrystal") {
    if (!request.polycrystal)
      throw new InvalidInputError(`${request.kind} needs a polycrystal input (elastic constants, grains, voxels)`);
    const input = await preparePolycrystal(dataSource, request.polycrystal, material, config);
    return { kind, input: { formula, ...input }, materialId };
  }
  if (kind === "micro.composite") {
    if (!request.composite)
      throw new InvalidInputError(`${request.kind} needs a composite input (matrix, inclusion, volumeFraction)`);
    return { kind, input: { formula, ...prepareComposite(request.composite, config) }, materialId };
  }
  if (kind === "fem.impact") {
    if (!request.impact)
      throw new InvalidInputError(`${request.kind} needs an impact input (plate, striker, material)`);
    return { kind, input: { formula, ...(await prepareImpact(dataSource, request.impact, config)) }, materialId };
  }
  if (!formula) throw new InvalidInputError("give materialId or formula");
  if (kind.startsWith("md.")) {
    if (!request.md) throw new InvalidInputError(`${request.kind} needs an md input (potential, lattice, …)`);
    return {
      kind,
      input: { formula, ...prepareMd(kind, request.md, formula, config) },
      materialId: material?.id ?? null,
    };
  }
  if (!request.fem) throw new InvalidInputError(`${request.kind} needs a fem input (geometry, load, material source)`);
  const fem = await prepareFem(dataSource, kind, request.fem, material, config);
  return { kind, input: { formula, ...fem }, materialId: material?.id ?? null };
}

async function resolveMaterial(reads: MaterialReadService, request: SimulateInput): Promise<MaterialRecord | null> {
  if (request.materialId) {
    const id = Number(request.materialId);
    if (!Number.isSafeInteger(id) || id <= 0) throw new InvalidInputError(`materialId must be a positive integer`);
    const [material] = await reads.materialsByIds([id]);
    if (!material) throw new NotFoundError(`no material with id ${request.materialId}`);
    return material;
  }
  if (!request.formula) throw new InvalidInputError("give materialId or formula");
  return reads.materialByFormula(request.formula);
}

function prepareMd(kind: string, md: MdSimulationInput, formula: string, config: Config): Record<string, unknown> {
  if (!/^[\w.+-]+$/.test(md.potential)) {
    throw new InvalidInputError(`potential must be a file name in the potentials folder, got "${md.potential}"`);
  }
  const file = path.join(config.potentialsDir, md.potential);
  if (!existsSync(file)) throw new InvalidInputError(`no potential file "${md.potential}" on this server`);
  const composition = Composition.parse(formula);
  const element = md.element ?? (composition.nelements === 1 ? composition.elements[0] : undefined);
  if (!element) throw new InvalidInputError(`${formula} has several elements: say which one with md.element`);
  if (!composition.elements.includes(element)) throw new InvalidInputError(`element ${element} is not in ${formula}`);
  const lattice = (md.lattice ?? "fcc").toLowerCase();
  const perCell = ATOMS_PER_CELL[lattice];
  if (!perCell) throw new InvalidInputError(`lattice must be one of ${Object.keys(ATOMS_PER_CELL).join(", ")}`);
  const repeat = md.repeat ?? (kind === "md.elastic" ? [3, 3, 3] : [5, 5, 5]);
  if (repeat.length !== 3 || repeat.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidInputError("repeat must be three positive integers");
  }
  const atoms = perCell * repeat[0]! * repeat[1]! * repeat[2]!;
  if (atoms > config.jobs.maxAtoms) {
    throw new InvalidInputError(`${atoms} atoms exceed this server's limit of ${config.jobs.maxAtoms}`);
  }
  if (md.steps != null && (md.steps < 1 || md.steps > config.jobs.maxSteps)) {
    throw new InvalidInputError(`steps must be between 1 and ${config.jobs.maxSteps}`);
  }
  if (md.a0 != null && !(md.a0 > 0)) throw new InvalidInputError("a0 must be positive (Å)");
  const contents = readFileSync(file);
  let covered: readonly string[];
  try {
    covered = loadPotential(contents.toString("utf8"), md.potential).elements;
  } catch (error) {
    throw new InvalidInputError(`potential "${md.potential}" cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!covered.includes(element)) {
    throw new InvalidInputError(`potential "${md.potential}" covers ${covered.join(", ")}, not ${element}`);
  }
  return {
    potentialFile: md.potential,
    potentialPath: file,
    potentialSha256: createHash("sha256").update(contents).digest("hex"),
    element,
    lattice,
    a0: md.a0 ?? null,
    repeat,
    atoms,
    temperatureK: md.temperatureK ?? null,
    steps: md.steps ?? null,
    seed: md.seed ?? 1,
  };
}

interface IsotropicElastic {
  type: "isotropic";
  youngsModulusPa: number;
  poissonRatio: number;
}
interface CubicElastic {
  type: "cubic";
  C11Pa: number;
  C12Pa: number;
  C44Pa: number;
}

async function prepareFem(
  dataSource: DataSource,
  kind: string,
  fem: FemSimulationInput,
  material: MaterialRecord | null,
  config: Config,
): Promise<Record<string, unknown>> {
  const isPlate = kind === "fem.plate-with-hole";
  const elements = (fem.elements ?? (kind === "fem.heat" ? "10x10x10" : isPlate ? "16x12x1" : "40x4x4"))
    .split("x")
    .map(Number);
  if (elements.length !== 3 || elements.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidInputError(`elements must look like ${isPlate ? "16x12x1" : "40x4x4"}, got "${fem.elements}"`);
  }
  if (isPlate && elements[0]! % 2 !== 0) {
    throw new InvalidInputError(
      `elements of a plate with a hole are angular x radial x thickness cells, the angular count even; got "${fem.elements}"`,
    );
  }
  const element = fem.element ?? (kind === "fem.heat" ? "hex8" : "hex20");
  if (!isElasticElementName(element) || element.startsWith("tet")) {
    throw new InvalidInputError(
      `element must be hex8, hex8i (incompatible modes), hex8b (B-bar) or hex20, got "${element}"`,
    );
  }
  const nodesPerAxis = element === "hex20" ? 2 : 1;
  const nodes = elements.reduce((p, n) => p * (n * nodesPerAxis + 1), 1);
  const dofs = nodes * (kind === "fem.heat" ? 1 : 3);
  if (dofs > config.jobs.maxDofs) {
    throw new InvalidInputError(
      `about ${dofs} degrees of freedom exceed this server's limit of ${config.jobs.maxDofs}`,
    );
  }
  if (isPlate) {
    const elastic = await resolveElastic(dataSource, fem, material);
    return { elements, element, dofs, ...plateGeometry(fem), tractionPa: fem.load ?? 100e6, ...elastic };
  }
  const geometry = {
    lengthM: positive(fem.lengthM ?? 1, "lengthM"),
    widthM: positive(fem.widthM ?? 0.05, "widthM"),
    heightM: positive(fem.heightM ?? fem.widthM ?? 0.05, "heightM"),
  };
  const base = { elements, element, dofs, ...geometry };
  if (kind === "fem.heat") {
    const conductivity = await resolveConductivity(dataSource, fem, material);
    return { ...base, ...conductivity };
  }
  const elastic = await resolveElastic(dataSource, fem, material);
  return { ...base, loadN: fem.load ?? 1000, ...elastic };
}

/** A square plate of side widthM (default 0.2 m) with a hole of radius holeRadiusM (default a tenth of the half side). */
function plateGeometry(fem: FemSimulationInput): Record<string, number> {
  const halfWidthM = positive(fem.widthM ?? 0.2, "widthM") / 2;
  const holeRadiusM = positive(fem.holeRadiusM ?? halfWidthM / 10, "holeRadiusM");
  if (holeRadiusM >= halfWidthM) {
    throw new InvalidInputError(
      `holeRadiusM (${holeRadiusM} m) must be smaller than half the plate's width (${halfWidthM} m)`,
    );
  }
  const thicknessM = positive(fem.thicknessM ?? holeRadiusM / 5, "thicknessM");
  // Radial cells grow geometrically away from the hole, where the stress gradient is.
  return { halfWidthM, holeRadiusM, thicknessM, grading: Math.max(1, 1.2 * (halfWidthM / holeRadiusM)) };
}

function positive(value: number, name: string): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new InvalidInputError(`${name} must be a positive number`);
  return value;
}

async function valuesOf(
  dataSource: DataSource,
  materialId: number,
  source: Source,
  keys: PropertyKey[],
): Promise<Map<PropertyKey, { value: number | null; values: number[] | null; sourceId: string }>> {
  const rows: Array<{ key: PropertyKey; value: number | null; values: number[] | null; sourceId: string }> =
    await dataSource.query(
      `SELECT p.key, p.value, p.value_array AS "values", e.source_id AS "sourceId" FROM entries e
       JOIN properties p ON p.entry_id = e.id
       WHERE e.material_id = $1 AND e.source = $2 AND p.key = ANY($3::text[]) ORDER BY p.updated_at DESC`,
      [materialId, source, keys],
    );
  const byKey = new Map<PropertyKey, { value: number | null; values: number[] | null; sourceId: string }>();
  for (const r of rows) if (!byKey.has(r.key)) byKey.set(r.key, r);
  return byKey;
}

async function finishedJobResult(dataSource: DataSource, jobId: string): Promise<Record<string, unknown>> {
  if (!/^[0-9a-f-]{36}$/i.test(jobId)) throw new InvalidInputError(`jobId must be a UUID, got "${jobId}"`);
  const [job] = await dataSource.query(`SELECT kind, state, result FROM jobs WHERE id = $1`, [jobId]);
  if (!job) throw new NotFoundError(`no job with id ${jobId}`);
  if (job.state !== "SUCCEEDED") throw new InvalidInputError(`job ${jobId} is ${job.state}, not SUCCEEDED`);
  return { kind: job.kind, ...(job.result as Record<string, unknown>) };
}

function requireOne(from: ValueSourceInput | null | undefined, what: string): ValueSourceInput {
  if (!from || (from.source == null) === (from.jobId == null)) {
    throw new InvalidInputError(`${what}: give exactly one of source or jobId`);
  }
  return from;
}

async function resolveElastic(
  dataSource: DataSource,
  fem: FemSimulationInput,
  material: MaterialRecord | null,
): Promise<{ elastic: IsotropicElastic | CubicElastic; elasticProvenance: Record<string, unknown> }> {
  if (fem.youngsModulusPa != null) {
    const nu = fem.poissonRatio ?? 0.3;
    if (!(nu > -1 && nu < 0.5)) throw new InvalidInputError("poissonRatio must lie in (-1, 0.5)");
    return {
      elastic: {
        type: "isotropic",
        youngsModulusPa: positive(fem.youngsModulusPa, "youngsModulusPa"),
        poissonRatio: nu,
      },
      elasticProvenance: { from: "request" },
    };
  }
  const from = requireOne(fem.elasticFrom, "fem.elasticFrom");
  if (from.jobId) {
    const result = await finishedJobResult(dataSource, from.jobId);
    const [c11, c12, c44] = [result["C11GPa"], result["C12GPa"], result["C44GPa"]];
    if (typeof c11 !== "number" || typeof c12 !== "number" || typeof c44 !== "number") {
      throw new InvalidInputError(`job ${from.jobId} (${String(result["kind"])}) has no elastic constants`);
    }
    return {
      elastic: { type: "cubic", C11Pa: c11 * 1e9, C12Pa: c12 * 1e9, C44Pa: c44 * 1e9 },
      elasticProvenance: { from: "job", jobId: from.jobId, kind: result["kind"] },
    };
  }
  if (!material) throw new InvalidInputError("elasticFrom.source needs a material that is in the store");
  const source = from.source as Source;
  const v = await valuesOf(dataSource, material.id, source, [
    PropertyKey.YOUNGS_MODULUS,
    PropertyKey.POISSON_RATIO,
    PropertyKey.BULK_MODULUS_VRH,
    PropertyKey.SHEAR_MODULUS_VRH,
  ]);
  const E = v.get(PropertyKey.YOUNGS_MODULUS)?.value;
  const nu = v.get(PropertyKey.POISSON_RATIO)?.value;
  const K = v.get(PropertyKey.BULK_MODULUS_VRH)?.value;
  const G = v.get(PropertyKey.SHEAR_MODULUS_VRH)?.value;
  let youngsGPa: number;
  let poisson: number;
  if (E != null && nu != null) {
    youngsGPa = E;
    poisson = nu;
  } else if (K != null && G != null && K > 0 && G > 0) {
    youngsGPa = (9 * K * G) / (3 * K + G);
    poisson = (3 * K - 2 * G) / (2 * (3 * K + G));
  } else {
    throw new InvalidInputError(
      `${source} has no Young's modulus and Poisson ratio, nor bulk and shear moduli, for ${material.formula}`,
    );
  }
  const sourceIds = [...v.values()].map((x) => x.sourceId);
  return {
    elastic: { type: "isotropic", youngsModulusPa: youngsGPa * 1e9, poissonRatio: poisson },
    elasticProvenance: { from: "source", source, sourceIds: [...new Set(sourceIds)], materialId: material.id },
  };
}

async function resolveConductivity(
  dataSource: DataSource,
  fem: FemSimulationInput,
  material: MaterialRecord | null,
): Promise<{ conductivityWPerMK: number; conductivityProvenance: Record<string, unknown> }> {
  if (fem.conductivityWPerMK != null) {
    return {
      conductivityWPerMK: positive(fem.conductivityWPerMK, "conductivityWPerMK"),
      conductivityProvenance: { from: "request" },
    };
  }
  const from = requireOne(fem.conductivityFrom, "fem.conductivityFrom");
  if (from.jobId) {
    const result = await finishedJobResult(dataSource, from.jobId);
    const k = result["thermalConductivityWPerMK"];
    if (typeof k !== "number") throw new InvalidInputError(`job ${from.jobId} has no thermal conductivity`);
    return { conductivityWPerMK: k, conductivityProvenance: { from: "job", jobId: from.jobId } };
  }
  if (!material) throw new InvalidInputError("conductivityFrom.source needs a material that is in the store");
  const v = await valuesOf(dataSource, material.id, from.source as Source, [PropertyKey.THERMAL_CONDUCTIVITY]);
  const k = v.get(PropertyKey.THERMAL_CONDUCTIVITY);
  if (k?.value == null)
    throw new InvalidInputError(`${from.source} has no thermal conductivity for ${material.formula}`);
  return {
    conductivityWPerMK: k.value,
    conductivityProvenance: { from: "source", source: from.source, sourceId: k.sourceId, materialId: material.id },
  };
}

function integerIn(value: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(`${name} must be an integer between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function oneOf<T extends string>(value: string, name: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new InvalidInputError(`${name} must be one of ${choices.join(", ")}, got "${value}"`);
  }
  return value as T;
}

/** A periodic voxel RVE of n³ voxels has 3n³ displacement unknowns: the same limit as a FEM mesh. */
function voxelsWithinLimit(voxels: number, name: string, config: Config): number {
  const maxVoxels = Math.floor(Math.cbrt(config.jobs.maxDofs / 3));
  const n = integerIn(voxels, name, 4, Math.max(4, maxVoxels));
  if (3 * n ** 3 > config.jobs.maxDofs) {
    throw new InvalidInputError(
      `${n}³ voxels (${3 * n ** 3} degrees of freedom) exceed this server's limit of ${config.jobs.maxDofs}`,
    );
  }
  return n;
}

function poissonRatio(value: number, name: string): number {
  if (!(value > -1 && value < 0.5)) throw new InvalidInputError(`${name} must lie in (-1, 0.5), got ${value}`);
  return value;
}

/**
 * Single-crystal cubic constants (Pa) of a polycrystal job: given in the request, from a
 * finished MD elastic job, or from a source's elastic tensor (its cubic average: the mean
 * of C11, C22, C33; of C12, C13, C23; of C44, C55, C66).
 */
async function resolveCubic(
  dataSource: DataSource,
  poly: PolycrystalSimulationInput,
  material: MaterialRecord | null,
): Promise<{ C11Pa: number; C12Pa: number; C44Pa: number; elasticProvenance: Record<string, unknown> }> {
  const explicit = [poly.c11GPa, poly.c12GPa, poly.c44GPa];
  let gpa: [number, number, number];
  let elasticProvenance: Record<string, unknown>;
  if (explicit.some((c) => c != null)) {
    if (poly.elasticFrom)
      throw new InvalidInputError("polycrystal: give either c11GPa, c12GPa, c44GPa or elasticFrom, not both");
    if (explicit.some((c) => c == null))
      throw new InvalidInputError("polycrystal: give all three of c11GPa, c12GPa and c44GPa");
    gpa = explicit as [number, number, number];
    elasticProvenance = { from: "request" };
  } else {
    const from = requireOne(poly.elasticFrom, "polycrystal.elasticFrom (or c11GPa, c12GPa, c44GPa)");
    if (from.jobId) {
      const result = await finishedJobResult(dataSource, from.jobId);
      const c = [result["C11GPa"], result["C12GPa"], result["C44GPa"]];
      if (!c.every((x): x is number => typeof x === "number")) {
        throw new InvalidInputError(`job ${from.jobId} (${String(result["kind"])}) has no elastic constants`);
      }
      gpa = c as [number, number, number];
      elasticProvenance = { from: "job", jobId: from.jobId, kind: result["kind"] };
    } else {
      if (!material)
        throw new InvalidInputError("polycrystal.elasticFrom.source needs a material that is in the store");
      const source = from.source as Source;
      const tensor = (await valuesOf(dataSource, material.id, source, [PropertyKey.ELASTIC_TENSOR])).get(
        PropertyKey.ELASTIC_TENSOR,
      );
      const C = tensor?.values;
      if (!tensor || !C || C.length !== 36)
        throw new InvalidInputError(`${source} has no elastic tensor for ${material.formula}`);
      const mean = (...i: number[]) => i.reduce((sum, k) => sum + (C[k] as number), 0) / i.length;
      gpa = [mean(0, 7, 14), mean(1, 2, 8), mean(21, 28, 35)];
      elasticProvenance = { from: "source", source, sourceId: tensor.sourceId, materialId: material.id };
    }
  }
  const [c11, c12, c44] = gpa;
  if (![c11, c12, c44].every(Number.isFinite))
    throw new InvalidInputError("polycrystal: the elastic constants must be finite numbers");
  // Born stability of a cubic crystal: otherwise no positive-definite stiffness exists to homogenise.
  if (!(c11 - c12 > 0 && c11 + 2 * c12 > 0 && c44 > 0)) {
    throw new InvalidInputError(
      `polycrystal: C11 = ${c11}, C12 = ${c12}, C44 = ${c44} GPa are not a stable cubic crystal (need C11 > C12, C11 + 2C12 > 0, C44 > 0)`,
    );
  }
  return { C11Pa: c11 * 1e9, C12Pa: c12 * 1e9, C44Pa: c44 * 1e9, elasticProvenance };
}

async function preparePolycrystal(
  dataSource: DataSource,
  poly: PolycrystalSimulationInput,
  material: MaterialRecord | null,
  config: Config,
): Promise<Record<string, unknown>> {
  const voxels = voxelsWithinLimit(poly.voxels ?? 32, "polycrystal.voxels", config);
  const grains = integerIn(poly.grains ?? 50, "polycrystal.grains", 1, Math.min(voxels ** 3, 100_000));
  const seed = integerIn(poly.seed ?? 1, "polycrystal.seed", -(2 ** 31), 2 ** 31 - 1);
  const texture = oneOf(poly.texture ?? "random", "polycrystal.texture", ["random", "fibre"] as const);
  let fibreAxis: number[] | null = null;
  if (poly.fibreAxis != null) {
    if (texture !== "fibre") throw new InvalidInputError('polycrystal.fibreAxis applies to texture "fibre" only');
    if (poly.fibreAxis.length !== 3 || !poly.fibreAxis.every(Number.isFinite) || poly.fibreAxis.every((x) => x === 0)) {
      throw new InvalidInputError(
        "polycrystal.fibreAxis must be a non-zero crystal direction of three numbers, e.g. [0, 0, 1]",
      );
    }
    fibreAxis = poly.fibreAxis;
  }
  const voxelSizeM = positive(poly.voxelSizeM ?? 1e-6, "polycrystal.voxelSizeM");
  const elastic = await resolveCubic(dataSource, poly, material);
  return { ...elastic, grains, voxels, seed, texture, fibreAxis, voxelSizeM, dofs: 3 * voxels ** 3 };
}

function phaseOf(phase: CompositePhaseInput, name: string): Record<string, number | null> {
  return {
    youngsModulusPa: positive(phase.youngsModulusPa, `${name}.youngsModulusPa`),
    poissonRatio: poissonRatio(phase.poissonRatio, `${name}.poissonRatio`),
    densityKgM3: phase.densityKgM3 == null ? null : positive(phase.densityKgM3, `${name}.densityKgM3`),
  };
}

function prepareComposite(c: CompositeSimulationInput, config: Config): Record<string, unknown> {
  const voxels = voxelsWithinLimit(c.voxels ?? 24, "composite.voxels", config);
  if (!(c.volumeFraction > 0 && c.volumeFraction <= 0.6)) {
    throw new InvalidInputError(`composite.volumeFraction must lie in (0, 0.6], got ${c.volumeFraction}`);
  }
  const shape = oneOf(c.shape ?? "sphere", "composite.shape", ["sphere", "fibre"] as const);
  if (shape === "sphere" && (c.aspectRatio != null || c.orientation != null)) {
    throw new InvalidInputError("composite.aspectRatio and composite.orientation apply to fibres only");
  }
  const aspectRatio = shape === "fibre" ? (c.aspectRatio ?? 10) : 1;
  if (!(aspectRatio >= 1 && Number.isFinite(aspectRatio)))
    throw new InvalidInputError(`composite.aspectRatio must be at least 1, got ${aspectRatio}`);
  const orientation = oneOf(c.orientation ?? "random", "composite.orientation", ["random", "aligned"] as const);
  return {
    matrix: phaseOf(c.matrix, "composite.matrix"),
    inclusion: phaseOf(c.inclusion, "composite.inclusion"),
    volumeFraction: c.volumeFraction,
    shape,
    aspectRatio,
    orientation,
    voxels,
    seed: integerIn(c.seed ?? 1, "composite.seed", -(2 ** 31), 2 ** 31 - 1),
    dofs: 3 * voxels ** 3,
  };
}

/** E, ν and density of the plate: the request's, or a finished composite job's effective ones. */
async function resolveImpactMaterial(
  dataSource: DataSource,
  impact: ImpactSimulationInput,
): Promise<{
  youngsModulusPa: number;
  poissonRatio: number;
  densityKgM3: number;
  materialProvenance: Record<string, unknown>;
}> {
  if (impact.materialFromJobId != null) {
    if (impact.youngsModulusPa != null || impact.poissonRatio != null) {
      throw new InvalidInputError(
        "impact: give either materialFromJobId or youngsModulusPa and poissonRatio, not both",
      );
    }
    const result = await finishedJobResult(dataSource, impact.materialFromJobId);
    if (result["kind"] !== "micro.composite") {
      throw new InvalidInputError(
        `impact.materialFromJobId: job ${impact.materialFromJobId} is ${String(result["kind"])}, not a MICRO_COMPOSITE job`,
      );
    }
    const [E, nu, rho] = [
      result["youngsModulusPa"],
      result["poissonRatio"],
      impact.densityKgM3 ?? result["densityKgM3"],
    ];
    if (typeof E !== "number" || typeof nu !== "number") {
      throw new InvalidInputError(`job ${impact.materialFromJobId} has no effective Young's modulus and Poisson ratio`);
    }
    if (typeof rho !== "number") {
      throw new InvalidInputError(
        `job ${impact.materialFromJobId} has no density (its phases gave none): give impact.densityKgM3`,
      );
    }
    return {
      youngsModulusPa: E,
      poissonRatio: nu,
      densityKgM3: positive(rho, "impact.densityKgM3"),
      materialProvenance: {
        from: "job",
        jobId: impact.materialFromJobId,
        kind: "micro.composite",
        densityFrom: impact.densityKgM3 != null ? "request" : "job",
      },
    };
  }
  if (impact.youngsModulusPa == null || impact.densityKgM3 == null) {
    throw new InvalidInputError(
      "impact: give materialFromJobId (a MICRO_COMPOSITE job), or youngsModulusPa and densityKgM3",
    );
  }
  return {
    youngsModulusPa: positive(impact.youngsModulusPa, "impact.youngsModulusPa"),
    poissonRatio: poissonRatio(impact.poissonRatio ?? 0.35, "impact.poissonRatio"),
    densityKgM3: positive(impact.densityKgM3, "impact.densityKgM3"),
    materialProvenance: { from: "request" },
  };
}

async function prepareImpact(
  dataSource: DataSource,
  impact: ImpactSimulationInput,
  config: Config,
): Promise<Record<string, unknown>> {
  const text = impact.elements ?? "20x20x2";
  const elements = text.split("x").map(Number);
  if (elements.length !== 3 || elements.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidInputError(
      `impact.elements must look like 20x20x2 (cells along x, y and the thickness), got "${text}"`,
    );
  }
  const [nx, ny, nz] = elements as [number, number, number];
  if (nx % 2 !== 0 || ny % 2 !== 0) {
    throw new InvalidInputError(
      `impact.elements: the cell counts along x and y must be even (a quarter of the plate is meshed), got "${text}"`,
    );
  }
  // The quarter model meshes (nx/2)·(ny/2)·nz cells.
  const dofs = 3 * (nx / 2 + 1) * (ny / 2 + 1) * (nz + 1);
  if (dofs > config.jobs.maxDofs) {
    throw new InvalidInputError(
      `about ${dofs} degrees of freedom exceed this server's limit of ${config.jobs.maxDofs}`,
    );
  }
  const plate = {
    lengthM: positive(impact.lengthM ?? 0.1, "impact.lengthM"),
    widthM: positive(impact.widthM ?? 0.1, "impact.widthM"),
    thicknessM: positive(impact.thicknessM ?? 0.005, "impact.thicknessM"),
  };
  const striker = {
    shape: oneOf(impact.strikerShape ?? "sphere", "impact.strikerShape", ["sphere", "flat"] as const),
    radiusM: positive(impact.strikerRadiusM ?? 0.01, "impact.strikerRadiusM"),
    massKg: positive(impact.strikerMassKg ?? 1, "impact.strikerMassKg"),
    speedMPerS: positive(impact.speedMPerS ?? 5, "impact.speedMPerS"),
  };
  if (striker.radiusM >= Math.min(plate.lengthM, plate.widthM) / 2) {
    throw new InvalidInputError(
      `impact.strikerRadiusM (${striker.radiusM} m) must be smaller than half the plate's length and width`,
    );
  }
  const durationS = positive(impact.durationS ?? 1e-3, "impact.durationS");
  const { materialProvenance, ...elastic } = await resolveImpactMaterial(dataSource, impact);
  const yieldStressPa = impact.yieldStressPa == null ? null : positive(impact.yieldStressPa, "impact.yieldStressPa");
  const hardeningModulusPa = impact.hardeningModulusPa ?? 0;
  if (!(hardeningModulusPa >= 0 && Number.isFinite(hardeningModulusPa))) {
    throw new InvalidInputError(`impact.hardeningModulusPa must be a non-negative number, got ${hardeningModulusPa}`);
  }
  const failureStrain = impact.failureStrain == null ? null : positive(impact.failureStrain, "impact.failureStrain");
  // Central differences are stable below h/c (c the dilatational wave speed, h the smallest cell edge): the step count is fixed by the input.
  const { youngsModulusPa: E, poissonRatio: nu, densityKgM3: rho } = elastic;
  const waveSpeed = Math.sqrt((E * (1 - nu)) / ((1 + nu) * (1 - 2 * nu) * rho));
  const cellM = Math.min(plate.lengthM / nx, plate.widthM / ny, plate.thicknessM / nz);
  const steps = Math.ceil(durationS / ((0.9 * cellM) / waveSpeed));
  if (steps > config.jobs.maxSteps) {
    throw new InvalidInputError(
      `about ${steps} explicit steps (${durationS} s at a stable step of ${((0.9 * cellM) / waveSpeed).toExponential(2)} s) exceed this server's limit of ${config.jobs.maxSteps}: shorten durationS or coarsen the mesh`,
    );
  }
  return {
    material: { ...elastic, yieldStressPa, hardeningModulusPa },
    materialProvenance,
    failureStrain,
    plate,
    elements,
    striker,
    durationS,
    dofs,
    estimatedSteps: steps,
  };
}
