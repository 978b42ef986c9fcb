/**
 * Elastic constants at 0 K by ± finite strain (GPa).
 *
 * The crystal is relaxed (box and atoms), then each of the six Voigt strains is
 * applied as +δ and −δ (symmetric strain; shear components as engineering strain),
 * atoms are relaxed at fixed cell, and C_ij = [σ_i(+δ) − σ_i(−δ)] / 2δ with σ the
 * stress (tension positive, = −virial/V at 0 K). Central differences cancel the
 * quadratic (third-order-constant) term. The full 6×6 is returned (symmetrised); for
 * cubic cells C11, C12, C44 are the averages over equivalent entries.
 *
 * Polycrystal averages (Hill, Proc. Phys. Soc. A 65, 349 (1952)):
 *   K_V = [(C11+C22+C33) + 2(C12+C13+C23)]/9,  G_V = [(C11+C22+C33) − (C12+C13+C23) + 3(C44+C55+C66)]/15
 *   K_R = 1/[(S11+S22+S33) + 2(S12+S13+S23)],  G_R = 15/[4(S11+S22+S33) − 4(S12+S13+S23) + 3(S44+S55+S66)]
 *   Hill = mean of Voigt and Reuss; E = 9KG/(3K+G); ν = (3K−2G)/(2(3K+G)).
 */
import { ConvergenceError } from "../core/errors";
import { throwIfAborted, type RunControl } from "../core/run-control";
import { EV_PER_A3_TO_GPA } from "../core/units";
import { minimizeFire } from "../dynamics/fire.minimizer";
import type { Potential } from "../potentials/potential";
import { crystalFromSpec, relaxCrystal, type CrystalSpec } from "./crystal.protocol";
import { provenance, type Provenance } from "./provenance";

export interface ElasticOptions extends RunControl {
  /** Strain amplitude (default 0.005, as the LAMMPS reference). */
  readonly strain?: number;
  /** Force tolerance for the relaxations (eV/Å). */
  readonly fmax?: number;
}

export interface ModuliGPa {
  readonly bulkVoigt: number;
  readonly bulkReuss: number;
  readonly bulkHill: number;
  readonly shearVoigt: number;
  readonly shearReuss: number;
  readonly shearHill: number;
  readonly youngsHill: number;
  readonly poissonHill: number;
}

export interface ElasticResult {
  /** Relaxed lattice constant (Å): cell length / repeat along a. */
  readonly a0: number;
  readonly cellLengths: [number, number, number];
  readonly cohesiveEnergyEvPerAtom: number;
  /** 6×6 Voigt stiffness, GPa. */
  readonly stiffnessGPa: number[][];
  readonly C11: number;
  readonly C12: number;
  readonly C44: number;
  readonly moduli: ModuliGPa;
  readonly provenance: Provenance;
}

/** Stress (tension positive) in GPa, Voigt order xx yy zz yz xz xy. */
function stressVoigtGPa(virial: Float64Array, volume: number): number[] {
  const s = (w: number): number => (-w / volume) * EV_PER_A3_TO_GPA;
  return [s(virial[0]!), s(virial[1]!), s(virial[2]!), s(virial[5]!), s(virial[4]!), s(virial[3]!)];
}

/** Voigt index → (row, col) of the symmetric strain tensor. */
const VOIGT: [number, number][] = [
  [0, 0],
  [1, 1],
  [2, 2],
  [1, 2],
  [0, 2],
  [0, 1],
];

export function elasticConstants(spec: CrystalSpec, potential: Potential, options: ElasticOptions = {}): ElasticResult {
  const delta = options.strain ?? 0.005;
  const fmax = options.fmax ?? 1e-7;
  const control: RunControl = {
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const report = (stage: string, fraction: number): void => options.onProgress?.({ stage, fraction });

  report("relax", 0);
  const system = crystalFromSpec(spec, potential);
  // Cubic prototypes keep their shape (hydrostatic relaxation, as the LAMMPS
  // reference); any other cell relaxes all six strain components.
  const cubic =
    spec.structure === undefined && ["fcc", "bcc", "diamond", "b1", "b2"].includes((spec.lattice ?? "").toLowerCase());
  const relaxed = relaxCrystal(system, potential, { ...control, fmax, cell: cubic ? "iso" : "full" });
  if (!relaxed.converged) throw new ConvergenceError("box relaxation did not converge");
  const sim = relaxed.simulation;
  const cell0 = Float64Array.from(sim.system.box.h);
  const pos0 = Float64Array.from(sim.system.positions);
  const n = sim.system.n;
  const energy0 = relaxed.energyPerAtomEv;

  const C: number[][] = Array.from({ length: 6 }, () => new Array<number>(6).fill(0));
  for (let j = 0; j < 6; j++) {
    const stresses: number[][] = [];
    for (const sign of [1, -1]) {
      throwIfAborted(options.signal);
      report(`strain ${j + 1}${sign > 0 ? "+" : "-"}`, (2 * j + (sign > 0 ? 0 : 1)) / 12);
      const [a, b] = VOIGT[j]!;
      const eps = [0, 0, 0, 0, 0, 0, 0, 0, 0];
      if (a === b) eps[3 * a + b] = sign * delta;
      else eps[3 * a + b] = eps[3 * b + a] = (sign * delta) / 2;
      // Rows of the cell transform as h' = h (I + ε)ᵀ; ε symmetric.
      const cell = new Array<number>(9);
      for (let r = 0; r < 3; r++)
        for (let d = 0; d < 3; d++) {
          let s = cell0[3 * r + d]!;
          for (let e = 0; e < 3; e++) s += cell0[3 * r + e]! * eps[3 * d + e]!;
          cell[3 * r + d] = s;
        }
      sim.system.box.setCell(cell0);
      sim.system.positions.set(pos0);
      sim.system.deformTo(cell);
      const res = minimizeFire(sim, { fmax, maxSteps: 20_000, ...control });
      if (!res.converged) throw new ConvergenceError(`atom relaxation under strain ${j + 1} did not converge`);
      const r = sim.computeForces({ energy: true, virial: true });
      stresses.push(stressVoigtGPa(r.virial, sim.system.box.volume));
    }
    for (let i = 0; i < 6; i++) C[i]![j] = (stresses[0]![i]! - stresses[1]![i]!) / (2 * delta);
  }
  sim.system.box.setCell(cell0);
  sim.system.positions.set(pos0);
  for (let i = 0; i < 6; i++)
    for (let j = i + 1; j < 6; j++) {
      const m = 0.5 * (C[i]![j]! + C[j]![i]!);
      C[i]![j] = m;
      C[j]![i] = m;
    }
  report("done", 1);
  const C11 = (C[0]![0]! + C[1]![1]! + C[2]![2]!) / 3;
  const C12 = (C[0]![1]! + C[0]![2]! + C[1]![2]!) / 3;
  const C44 = (C[3]![3]! + C[4]![4]! + C[5]![5]!) / 3;
  const lengths = sim.system.box.lengths();
  const repeat = spec.repeat ?? [1, 1, 1];
  return {
    a0: lengths[0] / repeat[0],
    cellLengths: lengths,
    cohesiveEnergyEvPerAtom: energy0,
    stiffnessGPa: C,
    C11,
    C12,
    C44,
    moduli: moduliFromStiffness(C),
    provenance: provenance("elastic-0K", potential, {
      ...spec,
      structure: spec.structure ? "given" : undefined,
      strain: delta,
      fmax,
      atoms: n,
    }),
  };
}

export function moduliFromStiffness(C: number[][]): ModuliGPa {
  const c = (i: number, j: number): number => C[i - 1]![j - 1]!;
  const S = invert6(C);
  const s = (i: number, j: number): number => S[i - 1]![j - 1]!;
  const bulkVoigt = (c(1, 1) + c(2, 2) + c(3, 3) + 2 * (c(1, 2) + c(1, 3) + c(2, 3))) / 9;
  const shearVoigt =
    (c(1, 1) + c(2, 2) + c(3, 3) - (c(1, 2) + c(1, 3) + c(2, 3)) + 3 * (c(4, 4) + c(5, 5) + c(6, 6))) / 15;
  const bulkReuss = 1 / (s(1, 1) + s(2, 2) + s(3, 3) + 2 * (s(1, 2) + s(1, 3) + s(2, 3)));
  const shearReuss =
    15 / (4 * (s(1, 1) + s(2, 2) + s(3, 3)) - 4 * (s(1, 2) + s(1, 3) + s(2, 3)) + 3 * (s(4, 4) + s(5, 5) + s(6, 6)));
  const bulkHill = (bulkVoigt + bulkReuss) / 2;
  const shearHill = (shearVoigt + shearReuss) / 2;
  return {
    bulkVoigt,
    bulkReuss,
    bulkHill,
    shearVoigt,
    shearReuss,
    shearHill,
    youngsHill: (9 * bulkHill * shearHill) / (3 * bulkHill + shearHill),
    poissonHill: (3 * bulkHill - 2 * shearHill) / (2 * (3 * bulkHill + shearHill)),
  };
}

function invert6(M: number[][]): number[][] {
  const n = 6;
  const a = M.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[piv]![col]!)) piv = r;
    if (Math.abs(a[piv]![col]!) < 1e-12) throw new ConvergenceError("stiffness matrix is singular");
    [a[col], a[piv]] = [a[piv]!, a[col]!];
    const p = a[col]![col]!;
    for (let k = 0; k < 2 * n; k++) a[col]![k] = a[col]![k]! / p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r]![col]!;
      if (f === 0) continue;
      for (let k = 0; k < 2 * n; k++) a[r]![k] = a[r]![k]! - f * a[col]![k]!;
    }
  }
  return a.map((row) => row.slice(n));
}
