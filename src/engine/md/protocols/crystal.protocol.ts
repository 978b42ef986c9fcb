/**
 * 0 K crystal properties: relaxed lattice constant (Å), cohesive energy (eV/atom,
 * the potential energy per atom of the relaxed crystal, as LAMMPS reports it for EAM
 * whose isolated-atom energy is zero), and vacancy formation energy (eV):
 *   E_v = E(N−1, relaxed) − (N−1)/N · E(N)
 * at the perfect crystal's volume (constant-volume definition).
 */
import { InvalidSystemError } from "../core/errors";
import type { RunControl } from "../core/run-control";
import { Simulation } from "../core/simulation";
import { AtomSystem } from "../core/system";
import { minimizeFire } from "../dynamics/fire.minimizer";
import { buildSupercell, prototypeCell, type CrystalStructure } from "../lattice";
import type { Potential } from "../potentials/potential";
import { provenance, type Provenance } from "./provenance";

export interface CrystalSpec {
  /** Prototype name (fcc, bcc, hcp, diamond, b1, b2) … */
  readonly lattice?: string;
  /** … with its lattice constant guess (Å) and species … */
  readonly a0?: number;
  readonly species?: readonly string[];
  readonly covera?: number;
  /** … or an explicit structure (e.g. from the database). */
  readonly structure?: CrystalStructure;
  readonly repeat?: readonly [number, number, number];
}

export function crystalFromSpec(spec: CrystalSpec, potential: Potential): AtomSystem {
  let structure = spec.structure;
  if (!structure) {
    const species = spec.species ?? (potential.elements.length > 0 ? [potential.elements[0]!] : []);
    const ref = species[0] !== undefined ? potential.referenceLattice?.[species[0]] : undefined;
    const lattice = spec.lattice ?? ref?.lattice;
    const a0 = spec.a0 ?? ref?.a0;
    if (!lattice || !a0) throw new InvalidSystemError("need a lattice and lattice constant (or a structure)");
    structure = prototypeCell(lattice, {
      a: a0,
      species,
      ...(spec.covera !== undefined ? { covera: spec.covera } : {}),
    });
  }
  return buildSupercell(structure, {
    repeat: spec.repeat ?? [1, 1, 1],
    typeOrder: [...new Set(structure.species)],
    masses: potential.masses,
  });
}

export interface RelaxedCrystal {
  readonly simulation: Simulation;
  readonly energyPerAtomEv: number;
  /** Cube root of volume per conventional cell for cubic prototypes; else cell lengths. */
  readonly cellLengths: [number, number, number];
  readonly converged: boolean;
}

export function relaxCrystal(
  system: AtomSystem,
  potential: Potential,
  options: RunControl & { cell?: "iso" | "aniso" | "full"; fmax?: number } = {},
): RelaxedCrystal {
  const sim = new Simulation(system, potential, { skin: 0.5 });
  const res = minimizeFire(sim, {
    cell: options.cell ?? "iso",
    fmax: options.fmax ?? 1e-7,
    maxSteps: 20_000,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return {
    simulation: sim,
    energyPerAtomEv: res.energy / system.n,
    cellLengths: system.box.lengths(),
    converged: res.converged,
  };
}

export interface VacancyResult {
  readonly vacancyFormationEnergyEv: number;
  readonly atoms: number;
  readonly provenance: Provenance;
}

/** Vacancy formation energy in a relaxed supercell (default 4×4×4 conventional cells). */
export function vacancyFormationEnergy(
  spec: CrystalSpec,
  potential: Potential,
  control: RunControl = {},
): VacancyResult {
  const unit = crystalFromSpec({ ...spec, repeat: [1, 1, 1] }, potential);
  const relaxed = relaxCrystal(unit, potential, control);
  const reps = spec.repeat ?? [4, 4, 4];
  const structure: CrystalStructure = {
    lattice: [0, 1, 2].map((k) => Array.from(unit.box.h.subarray(3 * k, 3 * k + 3))),
    fractional: Array.from({ length: unit.n }, (_, i) => {
      const s = [0, 0, 0];
      unit.box.toFractional(unit.positions[3 * i]!, unit.positions[3 * i + 1]!, unit.positions[3 * i + 2]!, s);
      return s;
    }),
    species: Array.from({ length: unit.n }, (_, i) => unit.species(i)),
  };
  const perfect = buildSupercell(structure, { repeat: reps, masses: potential.masses });
  const n = perfect.n;
  const ePerfect = relaxed.energyPerAtomEv * n;
  const keep = Array.from({ length: n - 1 }, (_, i) => i + 1);
  const defect = new AtomSystem({
    box: perfect.box.clone(),
    positions: keep.flatMap((i) => [
      perfect.positions[3 * i]!,
      perfect.positions[3 * i + 1]!,
      perfect.positions[3 * i + 2]!,
    ]),
    types: keep.map((i) => perfect.types[i]!),
    typeNames: perfect.typeNames,
    typeMasses: perfect.typeMasses,
  });
  const sim = new Simulation(defect, potential, { skin: 0.5 });
  const res = minimizeFire(sim, { fmax: 1e-5, maxSteps: 20_000, ...control });
  return {
    vacancyFormationEnergyEv: res.energy - ((n - 1) / n) * ePerfect,
    atoms: n,
    provenance: provenance("vacancy-formation", potential, { ...spec, repeat: reps, fmax: 1e-5 }),
  };
}
