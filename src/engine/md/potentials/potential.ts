/**
 * The contract every interatomic potential meets. Energies eV, forces eV/Å,
 * virial eV (W_ab = Σ_pairs r_ij,a f_ij,b; positive = compressive, as in LAMMPS).
 */
import type { AtomSystem } from "../core/system";
import type { NeighborList } from "../neighbor/neighbor-list";
import type { KernelParams } from "../parallel/pair-kernels";

export interface ComputeFlags {
  /** Total potential energy. */
  readonly energy?: boolean;
  /** Global virial tensor. */
  readonly virial?: boolean;
  /** Per-atom energy and per-atom virial (heat flux, local analysis). */
  readonly perAtom?: boolean;
}

export class ForceResult {
  energy = 0;
  /** xx, yy, zz, xy, xz, yz. */
  readonly virial = new Float64Array(6);
  perAtomEnergy: Float64Array = new Float64Array(0);
  /** 6 per atom, same order as virial. */
  perAtomVirial: Float64Array = new Float64Array(0);
}

export interface ForceField {
  /** Interaction range the neighbour list must cover (Å). */
  readonly cutoff: number;
  /** Fill system.forces (local atoms); neighbour list must be up to date. */
  compute(system: AtomSystem, neighbors: NeighborList, flags: ComputeFlags, out: ForceResult): void;
  /** Bytes held in scratch arrays (for memory accounting). */
  memoryBytes(): number;
  /** Coefficient tables of the pair kernels, for force fields that can run on worker threads. */
  kernelParams?(): KernelParams;
  /** Release threads or other resources; the force field is unusable afterwards. */
  dispose?(): Promise<void>;
}

export interface Potential {
  readonly name: string;
  /** LAMMPS-style style name: "lj/cut", "eam", "eam/alloy", "eam/fs". */
  readonly style: string;
  readonly cutoff: number;
  /** Species the potential is parameterised for. */
  readonly elements: readonly string[];
  /** Masses from the potential file (g/mol), when it carries them. */
  readonly masses: Readonly<Record<string, number>>;
  /** SHA-256 of the parameter file contents, for provenance (undefined for built-in parameters). */
  readonly sourceSha256?: string;
  /** Reference lattice recorded in the file, when present. */
  readonly referenceLattice?: Readonly<Record<string, { lattice: string; a0: number }>>;
  /** Map a system's type names onto the potential; throws UncoveredElementError. */
  bind(typeNames: readonly string[]): ForceField;
}

/**
 * Scratch arrays sized to the neighbour list's extended capacity, which has its own
 * headroom: no more on top (that would only raise peak memory).
 */
export function ensureLength(a: Float64Array<ArrayBuffer>, length: number): Float64Array<ArrayBuffer> {
  return a.length >= length ? a : new Float64Array(length);
}
