/**
 * Lennard-Jones 12-6 with a cutoff (LAMMPS pair_style lj/cut, optional
 * pair_modify shift yes):
 *   E(r) = 4ε[(σ/r)^12 − (σ/r)^6] − E_shift,   r < r_c
 * F(r) = −dE/dr. Per species pair ε (energy), σ (length), r_c (length); unlike
 * pairs default to Lorentz–Berthelot mixing (σ arithmetic, ε geometric) and the
 * larger cutoff. Reference: Allen & Tildesley, Computer Simulation of Liquids (2017), §1.4.
 */
import { UncoveredElementError } from "../core/errors";
import type { AtomSystem } from "../core/system";
import type { NeighborList } from "../neighbor/neighbor-list";
import { ACC_STRIDE, ljPairForces, type LjKernelParams } from "../parallel/pair-kernels";
import { ensureLength, type ComputeFlags, type ForceField, ForceResult, type Potential } from "./potential";

export interface LjPairParams {
  readonly epsilon: number;
  readonly sigma: number;
  readonly cutoff: number;
}

export interface LjOptions {
  /** Per species: like-pair parameters. */
  readonly species: Readonly<Record<string, LjPairParams>>;
  /** Explicit unlike pairs, key "A-B". */
  readonly pairs?: Readonly<Record<string, LjPairParams>>;
  /** Shift energy to zero at the cutoff. */
  readonly shift?: boolean;
  readonly masses?: Readonly<Record<string, number>>;
  readonly name?: string;
}

export class LjCutPotential implements Potential {
  readonly style = "lj/cut";
  readonly name: string;
  readonly cutoff: number;
  readonly elements: readonly string[];
  readonly masses: Readonly<Record<string, number>>;

  constructor(readonly options: LjOptions) {
    this.name = options.name ?? "lj/cut";
    this.elements = Object.keys(options.species);
    this.masses = options.masses ?? {};
    let rc = 0;
    for (const p of Object.values(options.species)) rc = Math.max(rc, p.cutoff);
    for (const p of Object.values(options.pairs ?? {})) rc = Math.max(rc, p.cutoff);
    this.cutoff = rc;
  }

  pairParams(a: string, b: string): LjPairParams {
    const explicit = this.options.pairs?.[`${a}-${b}`] ?? this.options.pairs?.[`${b}-${a}`];
    if (explicit) return explicit;
    const pa = this.options.species[a];
    const pb = this.options.species[b];
    if (!pa) throw new UncoveredElementError(a, this.elements, this.name);
    if (!pb) throw new UncoveredElementError(b, this.elements, this.name);
    return {
      epsilon: Math.sqrt(pa.epsilon * pb.epsilon),
      sigma: 0.5 * (pa.sigma + pb.sigma),
      cutoff: Math.max(pa.cutoff, pb.cutoff),
    };
  }

  bind(typeNames: readonly string[]): ForceField {
    const nt = typeNames.length;
    const lj1 = new Float64Array(nt * nt);
    const lj2 = new Float64Array(nt * nt);
    const lj3 = new Float64Array(nt * nt);
    const lj4 = new Float64Array(nt * nt);
    const offset = new Float64Array(nt * nt);
    const cutsq = new Float64Array(nt * nt);
    for (let a = 0; a < nt; a++)
      for (let b = 0; b < nt; b++) {
        const { epsilon: eps, sigma: sig, cutoff: rc } = this.pairParams(typeNames[a]!, typeNames[b]!);
        const k = a * nt + b;
        lj1[k] = 48 * eps * sig ** 12;
        lj2[k] = 24 * eps * sig ** 6;
        lj3[k] = 4 * eps * sig ** 12;
        lj4[k] = 4 * eps * sig ** 6;
        cutsq[k] = rc * rc;
        if (this.options.shift) {
          const ratio = sig / rc;
          offset[k] = 4 * eps * (ratio ** 12 - ratio ** 6);
        }
      }
    return new LjForceField(this.cutoff, nt, lj1, lj2, lj3, lj4, offset, cutsq);
  }
}

class LjForceField implements ForceField {
  /** Extended forces: the neighbour list's build scratch, borrowed for each call. */
  private fext: Float64Array = new Float64Array(0);
  private eext = new Float64Array(0);
  private vext = new Float64Array(0);
  private typeExt = new Int32Array(0);
  private typeBuild = -1;
  private readonly acc = new Float64Array(ACC_STRIDE);

  constructor(
    readonly cutoff: number,
    private readonly nt: number,
    private readonly lj1: Float64Array,
    private readonly lj2: Float64Array,
    private readonly lj3: Float64Array,
    private readonly lj4: Float64Array,
    private readonly offset: Float64Array,
    private readonly cutsq: Float64Array,
  ) {}

  memoryBytes(): number {
    return [this.eext, this.vext, this.typeExt].reduce((s, a) => s + a.byteLength, 0);
  }

  compute(system: AtomSystem, nl: NeighborList, flags: ComputeFlags, out: ForceResult): void {
    const M = nl.nTotal;
    const n = nl.nLocal;
    this.fext = nl.buildScratch;
    const f = this.fext;
    f.fill(0, 0, 3 * M);
    if (this.typeBuild !== nl.builds || this.typeExt.length < M) {
      if (this.typeExt.length < M) this.typeExt = new Int32Array(nl.capacity);
      for (let k = 0; k < M; k++) this.typeExt[k] = system.types[nl.owner[k]!]!;
      this.typeBuild = nl.builds;
    }
    if (flags.perAtom !== true) {
      out.energy = this.computeWithKernel(nl, flags.energy === true, flags.virial === true, out.virial);
      nl.foldToOwners(f, 3);
      system.forces.set(f.subarray(0, 3 * n));
      return;
    }
    // Per-atom energies and virials (heat flux) need the pair terms split between i and j:
    // this loop keeps that bookkeeping out of the shared kernel's hot loop.
    this.eext = ensureLength(this.eext, nl.capacity);
    this.vext = ensureLength(this.vext, 6 * nl.capacity);
    this.eext.fill(0, 0, M);
    this.vext.fill(0, 0, 6 * M);
    const te = this.typeExt;
    const nt = this.nt;
    const { lj1, lj2, lj3, lj4, offset, cutsq } = this;
    const x = nl.extPos;
    const start = nl.start;
    const list = nl.list;
    const eatom = this.eext;
    const vatom = this.vext;
    let energy = 0;
    let vxx = 0,
      vyy = 0,
      vzz = 0,
      vxy = 0,
      vxz = 0,
      vyz = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[3 * i]!;
      const yi = x[3 * i + 1]!;
      const zi = x[3 * i + 2]!;
      const row = te[i]! * nt;
      let fxi = 0,
        fyi = 0,
        fzi = 0;
      const end = start[i + 1]!;
      for (let q = start[i]!; q < end; q++) {
        const j = list[q]!;
        const j3 = 3 * j;
        const dx = xi - x[j3]!;
        const dy = yi - x[j3 + 1]!;
        const dz = zi - x[j3 + 2]!;
        const rsq = dx * dx + dy * dy + dz * dz;
        const k = row + te[j]!;
        if (rsq >= cutsq[k]!) continue;
        const r2inv = 1 / rsq;
        const r6inv = r2inv * r2inv * r2inv;
        const fpair = r6inv * (lj1[k]! * r6inv - lj2[k]!) * r2inv;
        const fx = dx * fpair;
        const fy = dy * fpair;
        const fz = dz * fpair;
        fxi += fx;
        fyi += fy;
        fzi += fz;
        f[j3] = f[j3]! - fx;
        f[j3 + 1] = f[j3 + 1]! - fy;
        f[j3 + 2] = f[j3 + 2]! - fz;
        const e = r6inv * (lj3[k]! * r6inv - lj4[k]!) - offset[k]!;
        energy += e;
        eatom[i] = eatom[i]! + 0.5 * e;
        eatom[j] = eatom[j]! + 0.5 * e;
        const wxx = dx * fx,
          wyy = dy * fy,
          wzz = dz * fz,
          wxy = dx * fy,
          wxz = dx * fz,
          wyz = dy * fz;
        vxx += wxx;
        vyy += wyy;
        vzz += wzz;
        vxy += wxy;
        vxz += wxz;
        vyz += wyz;
        addHalfVirial(vatom, i, j, wxx, wyy, wzz, wxy, wxz, wyz);
      }
      f[3 * i] = f[3 * i]! + fxi;
      f[3 * i + 1] = f[3 * i + 1]! + fyi;
      f[3 * i + 2] = f[3 * i + 2]! + fzi;
    }
    nl.foldToOwners(f, 3);
    system.forces.set(f.subarray(0, 3 * n));
    out.energy = energy;
    const v = out.virial;
    v[0] = vxx;
    v[1] = vyy;
    v[2] = vzz;
    v[3] = vxy;
    v[4] = vxz;
    v[5] = vyz;
    nl.foldToOwners(eatom, 1);
    nl.foldToOwners(vatom, 6);
    out.perAtomEnergy = eatom.slice(0, n);
    out.perAtomVirial = vatom.slice(0, 6 * n);
  }

  /** Totals only: the shared pair kernel (the one the worker threads run) over all locals. */
  private computeWithKernel(nl: NeighborList, eflag: boolean, vflag: boolean, virial: Float64Array): number {
    const acc = this.acc;
    const geometry = { x: nl.extPos, types: this.typeExt, start: nl.start, list: nl.list };
    ljPairForces(this.kernelParams(), geometry, 0, nl.nLocal, this.fext, eflag, vflag, acc, 0);
    virial.set(acc.subarray(1, 7));
    return eflag ? acc[0]! : 0;
  }

  kernelParams(): LjKernelParams {
    const { nt, lj1, lj2, lj3, lj4, offset, cutsq } = this;
    return { kind: "lj", nt, lj1, lj2, lj3, lj4, offset, cutsq };
  }
}

export function addHalfVirial(
  v: Float64Array,
  i: number,
  j: number,
  wxx: number,
  wyy: number,
  wzz: number,
  wxy: number,
  wxz: number,
  wyz: number,
): void {
  const a = 6 * i;
  const b = 6 * j;
  v[a] = v[a]! + 0.5 * wxx;
  v[a + 1] = v[a + 1]! + 0.5 * wyy;
  v[a + 2] = v[a + 2]! + 0.5 * wzz;
  v[a + 3] = v[a + 3]! + 0.5 * wxy;
  v[a + 4] = v[a + 4]! + 0.5 * wxz;
  v[a + 5] = v[a + 5]! + 0.5 * wyz;
  v[b] = v[b]! + 0.5 * wxx;
  v[b + 1] = v[b + 1]! + 0.5 * wyy;
  v[b + 2] = v[b + 2]! + 0.5 * wzz;
  v[b + 3] = v[b + 3]! + 0.5 * wxy;
  v[b + 4] = v[b + 4]! + 0.5 * wxz;
  v[b + 5] = v[b + 5]! + 0.5 * wyz;
}

/** Convenience: one species, like LAMMPS `pair_coeff * * ε σ rc`. */
export function ljSingle(
  species: string,
  epsilon: number,
  sigma: number,
  cutoff: number,
  shift = false,
  mass?: number,
): LjCutPotential {
  return new LjCutPotential({
    species: { [species]: { epsilon, sigma, cutoff } },
    shift,
    ...(mass !== undefined ? { masses: { [species]: mass } } : {}),
  });
}

export { ForceResult };
