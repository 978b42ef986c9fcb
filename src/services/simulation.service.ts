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
import type { FemSimulationInput, MdSimulationInput, SimulateInput, ValueSourceInput } from "../schema/job.type";
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
};

const ATOMS_PER_CELL: Record<string, number> = { fcc: 4, bcc: 2, hcp: 4, diamond: 8, b1: 8, b2: 2 };

export async function prepareSimulation(
  dataSource: DataSource,
  reads: MaterialReadService,
  config: Config,
  request: SimulateInput,
): Promise<PreparedSimulation> {
  const kind = KIND_NAMES[request.kind];
  if (!kind || !COMPUTATIONS[kind]) {
    const available = Object.entries(KIND_NAMES).filter(([, k]) => COMPUTATIONS[k]).map(([name]) => name);
    throw new InvalidInputError(`${request.kind} is not available on this server; available: ${available.join(", ")}`);
  }
  const material = await resolveMaterial(reads, request);
  const formula = material?.formula ?? Composition.parse(request.formula ?? "").reducedFormula;
  if (kind.startsWith("md.")) {
    if (!request.md) throw new InvalidInputError(`${request.kind} needs an md input (potential, lattice, …)`);
    return { kind, input: { formula, ...prepareMd(kind, request.md, formula, config) }, materialId: material?.id ?? null };
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
    throw new InvalidInputError(`potential "${md.potential}" cannot be read: ${(error as Error).message}`, { cause: error });
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
  const elements = (fem.elements ?? (kind === "fem.heat" ? "10x10x10" : "40x4x4")).split("x").map(Number);
  if (elements.length !== 3 || elements.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidInputError(`elements must look like 40x4x4, got "${fem.elements}"`);
  }
  const element = fem.element ?? (kind === "fem.heat" ? "hex8" : "hex20");
  if (!isElasticElementName(element) || element.startsWith("tet")) {
    throw new InvalidInputError(`element must be hex8, hex8i (incompatible modes), hex8b (B-bar) or hex20, got "${element}"`);
  }
  const nodesPerAxis = element === "hex20" ? 2 : 1;
  const nodes = elements.reduce((p, n) => p * (n * nodesPerAxis + 1), 1);
  const dofs = nodes * (kind === "fem.heat" ? 1 : 3);
  if (dofs > config.jobs.maxDofs) {
    throw new InvalidInputError(`about ${dofs} degrees of freedom exceed this server's limit of ${config.jobs.maxDofs}`);
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
      `SELECT p.key, p.value, p.value_array AS "values", e.source_id AS "sourceId" FROM properties p
       JOIN entries e ON e.id = p.entry_id
       WHERE p.material_id = $1 AND p.source = $2 AND p.key = ANY($3::text[]) ORDER BY p.updated_at DESC`,
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
      elastic: { type: "isotropic", youngsModulusPa: positive(fem.youngsModulusPa, "youngsModulusPa"), poissonRatio: nu },
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
    return { conductivityWPerMK: positive(fem.conductivityWPerMK, "conductivityWPerMK"), conductivityProvenance: { from: "request" } };
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
  if (k?.value == null) throw new InvalidInputError(`${from.source} has no thermal conductivity for ${material.formula}`);
  return {
    conductivityWPerMK: k.value,
    conductivityProvenance: { from: "source", source: from.source, sourceId: k.sourceId, materialId: material.id },
  };
}
