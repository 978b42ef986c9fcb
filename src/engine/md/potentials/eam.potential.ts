/**
 * Embedded-atom method (Daw & Baskes, PRB 29, 6443 (1984)):
 *   E = Σ_i F_i(ρ_i) + ½ Σ_{i≠j} φ_ij(r_ij),   ρ_i = Σ_{j≠i} ρ_j(r_ij)
 * (Finnis–Sinclair variant: ρ_i = Σ_j ρ_{ji}(r_ij)). Energies eV, lengths Å.
 *
 * Tables are turned into splines exactly as LAMMPS pair_eam does (file2array +
 * array2spline/interpolate: 4th-order finite-difference slopes, cubic Hermite per
 * interval, ρ beyond the table extended linearly), and the same index arithmetic is
 * used in the loops, so one file gives LAMMPS' numbers to round-off. funcfl files are
 * resampled onto a common grid and their pair terms built as 27.2·0.529·Z_i·Z_j / r,
 * which is what makes funcfl alloys possible.
 */
import { createHash } from "node:crypto";
import { PotentialFormatError, UncoveredElementError } from "../core/errors";
import type { AtomSystem } from "../core/system";
import type { NeighborList } from "../neighbor/neighbor-list";
import { addHalfVirial } from "./lj-cut.potential";
import { parseFuncfl, parseSetfl, type FuncflFile, type SetflFile } from "./eam-file.parser";
import {
  ACC_STRIDE,
  eamEmbedding,
  eamPairDensities,
  eamPairForces,
  type EamKernelParams,
} from "../parallel/pair-kernels";
import { ensureLength, type ComputeFlags, type ForceField, ForceResult, type Potential } from "./potential";

/** Spline table: 7 coefficients per grid point m (1-indexed), LAMMPS layout. */
type Spline = Float64Array;

interface EamTables {
  readonly elements: readonly string[];
  readonly nrho: number;
  readonly drho: number;
  readonly nr: number;
  readonly dr: number;
  readonly rhomax: number;
  readonly cutmax: number;
  readonly frho: readonly Spline[];
  readonly rhor: readonly Spline[];
  readonly z2r: readonly Spline[];
  /** rhor table used for (element i, element j), LAMMPS type2rhor semantics. */
  rhorIndex(ei: number, ej: number): number;
}

function interpolate(n: number, delta: number, f: Float64Array): Spline {
  const s = new Float64Array((n + 1) * 7);
  const at = (m: number, c: number): number => s[m * 7 + c]!;
  const set = (m: number, c: number, v: number): void => {
    s[m * 7 + c] = v;
  };
  for (let m = 1; m <= n; m++) set(m, 6, f[m]!);
  set(1, 5, at(2, 6) - at(1, 6));
  set(2, 5, 0.5 * (at(3, 6) - at(1, 6)));
  set(n - 1, 5, 0.5 * (at(n, 6) - at(n - 2, 6)));
  set(n, 5, at(n, 6) - at(n - 1, 6));
  for (let m = 3; m <= n - 2; m++) {
    set(m, 5, (at(m - 2, 6) - at(m + 2, 6) + 8.0 * (at(m + 1, 6) - at(m - 1, 6))) / 12.0);
  }
  for (let m = 1; m <= n - 1; m++) {
    set(m, 4, 3.0 * (at(m + 1, 6) - at(m, 6)) - 2.0 * at(m, 5) - at(m + 1, 5));
    set(m, 3, at(m, 5) + at(m + 1, 5) - 2.0 * (at(m + 1, 6) - at(m, 6)));
  }
  set(n, 4, 0);
  set(n, 3, 0);
  for (let m = 1; m <= n; m++) {
    set(m, 2, at(m, 5) / delta);
    set(m, 1, (2.0 * at(m, 4)) / delta);
    set(m, 0, (3.0 * at(m, 3)) / delta);
  }
  return s;
}

/** LAMMPS' 4-point Lagrange resampling of a funcfl table onto the common grid. */
function resample(values: Float64Array, fileDelta: number, fileN: number, x: number): number {
  const sixth = 1.0 / 6.0;
  let p = x / fileDelta + 1.0;
  let k = Math.trunc(p);
  k = Math.min(k, fileN - 2);
  k = Math.max(k, 2);
  p -= k;
  p = Math.min(p, 2.0);
  const c1 = -sixth * p * (p - 1.0) * (p - 2.0);
  const c2 = 0.5 * (p * p - 1.0) * (p - 2.0);
  const c3 = -0.5 * p * (p + 1.0) * (p - 2.0);
  const c4 = sixth * p * (p * p - 1.0);
  return c1 * values[k - 1]! + c2 * values[k]! + c3 * values[k + 1]! + c4 * values[k + 2]!;
}

function z2rIndex(i: number, j: number): number {
  const [a, b] = i >= j ? [i, j] : [j, i];
  return (a * (a + 1)) / 2 + b;
}

function tablesFromFuncfl(files: readonly FuncflFile[]): EamTables {
  let dr = 0,
    drho = 0,
    rmax = 0,
    rhomax = 0,
    cutmax = 0;
  for (const f of files) {
    dr = Math.max(dr, f.dr);
    drho = Math.max(drho, f.drho);
    rmax = Math.max(rmax, (f.nr - 1) * f.dr);
    rhomax = Math.max(rhomax, (f.nrho - 1) * f.drho);
    cutmax = Math.max(cutmax, f.cut);
  }
  const nr = Math.trunc(rmax / dr + 0.5);
  const nrho = Math.trunc(rhomax / drho + 0.5);
  const frho = files.map((f) => {
    const a = new Float64Array(nrho + 1);
    for (let m = 1; m <= nrho; m++) a[m] = resample(f.frho, f.drho, f.nrho, (m - 1) * drho);
    return interpolate(nrho, drho, a);
  });
  const rhor = files.map((f) => {
    const a = new Float64Array(nr + 1);
    for (let m = 1; m <= nr; m++) a[m] = resample(f.rhor, f.dr, f.nr, (m - 1) * dr);
    return interpolate(nr, dr, a);
  });
  const z2r: Spline[] = [];
  for (let i = 0; i < files.length; i++)
    for (let j = 0; j <= i; j++) {
      const fi = files[i]!;
      const fj = files[j]!;
      const a = new Float64Array(nr + 1);
      for (let m = 1; m <= nr; m++) {
        const r = (m - 1) * dr;
        a[m] = 27.2 * 0.529 * resample(fi.zr, fi.dr, fi.nr, r) * resample(fj.zr, fj.dr, fj.nr, r);
      }
      z2r.push(interpolate(nr, dr, a));
    }
  return {
    elements: files.map((f) => f.element),
    nrho,
    drho,
    nr,
    dr,
    rhomax,
    cutmax,
    frho,
    rhor,
    z2r,
    rhorIndex: (ei) => ei,
  };
}

function tablesFromSetfl(file: SetflFile): EamTables {
  const nel = file.elements.length;
  const frho = file.frho.map((f) => interpolate(file.nrho, file.drho, f));
  const rhor: Spline[] = [];
  for (let i = 0; i < nel; i++) for (const d of file.rhor[i]!) rhor.push(interpolate(file.nr, file.dr, d));
  const z2r: Spline[] = [];
  for (let i = 0; i < nel; i++) for (let j = 0; j <= i; j++) z2r.push(interpolate(file.nr, file.dr, file.z2r[i]![j]!));
  return {
    elements: file.elements,
    nrho: file.nrho,
    drho: file.drho,
    nr: file.nr,
    dr: file.dr,
    rhomax: (file.nrho - 1) * file.drho,
    cutmax: file.cut,
    frho,
    rhor,
    z2r,
    rhorIndex: file.format === "fs" ? (ei, ej) => ei * nel + ej : (ei) => ei,
  };
}

export type EamStyle = "eam" | "eam/alloy" | "eam/fs";

export class EamPotential implements Potential {
  readonly cutoff: number;
  readonly elements: readonly string[];

  private constructor(
    readonly name: string,
    readonly style: EamStyle,
    private readonly tables: EamTables,
    readonly masses: Readonly<Record<string, number>>,
    readonly referenceLattice: Readonly<Record<string, { lattice: string; a0: number }>>,
    readonly sourceSha256: string,
  ) {
    this.cutoff = tables.cutmax;
    this.elements = tables.elements;
  }

  /** One or more DYNAMO funcfl files (one element each), combined as LAMMPS pair_style eam does. */
  static fromFuncfl(contents: string | readonly string[], name = "eam"): EamPotential {
    const list = typeof contents === "string" ? [contents] : contents;
    const files = list.map((c, i) => parseFuncfl(c, `${name} (funcfl #${i + 1})`));
    const seen = new Set<string>();
    for (const f of files) {
      if (seen.has(f.element))
        throw new PotentialFormatError(`${name}: element ${f.element} given by two funcfl files`);
      seen.add(f.element);
    }
    const masses: Record<string, number> = {};
    const lattices: Record<string, { lattice: string; a0: number }> = {};
    for (const f of files) {
      masses[f.element] = f.mass;
      lattices[f.element] = { lattice: f.lattice.toLowerCase(), a0: f.a0 };
    }
    return new EamPotential(name, "eam", tablesFromFuncfl(files), masses, lattices, sha256(list.join("\u0000")));
  }

  static fromSetfl(contents: string, name = "eam/alloy"): EamPotential {
    return EamPotential.fromTabulated(parseSetfl(contents, "setfl", name), "eam/alloy", name, contents);
  }

  static fromFinnisSinclair(contents: string, name = "eam/fs"): EamPotential {
    return EamPotential.fromTabulated(parseSetfl(contents, "fs", name), "eam/fs", name, contents);
  }

  private static fromTabulated(file: SetflFile, style: EamStyle, name: string, contents: string): EamPotential {
    const masses: Record<string, number> = {};
    const lattices: Record<string, { lattice: string; a0: number }> = {};
    file.elements.forEach((e, i) => {
      masses[e] = file.masses[i]!;
      lattices[e] = { lattice: file.lattices[i]!.toLowerCase(), a0: file.a0[i]! };
    });
    return new EamPotential(name, style, tablesFromSetfl(file), masses, lattices, sha256(contents));
  }

  bind(typeNames: readonly string[]): ForceField {
    const t = this.tables;
    const map = typeNames.map((name) => {
      const e = t.elements.indexOf(name);
      if (e < 0) throw new UncoveredElementError(name, t.elements, this.name);
      return e;
    });
    return new EamForceField(t, map);
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

class EamForceField implements ForceField {
  readonly cutoff: number;
  private readonly nt: number;
  /** Flattened splines with per-type-pair base offsets (in doubles). */
  private readonly frhoAll: Float64Array;
  private readonly rhorAll: Float64Array;
  private readonly z2rAll: Float64Array;
  private readonly frhoOff: Int32Array;
  /** rhorOff[it*nt + jt] = LAMMPS type2rhor[it][jt] spline offset. */
  private readonly rhorOff: Int32Array;
  private readonly z2rOff: Int32Array;
  private rho = new Float64Array(0);
  private fp = new Float64Array(0);
  /** Extended forces: the neighbour list's build scratch, borrowed for each call. */
  private fext: Float64Array = new Float64Array(0);
  private eext = new Float64Array(0);
  private vext = new Float64Array(0);
  private typeExt = new Int32Array(0);
  private typeBuild = -1;
  private readonly acc = new Float64Array(ACC_STRIDE);

  constructor(
    private readonly t: EamTables,
    map: readonly number[],
  ) {
    this.cutoff = t.cutmax;
    const nt = map.length;
    this.nt = nt;
    const concat = (arr: readonly Spline[]): { all: Float64Array; off: number[] } => {
      const len = arr.reduce((s, a) => s + a.length, 0);
      const all = new Float64Array(len);
      const off: number[] = [];
      let o = 0;
      for (const a of arr) {
        all.set(a, o);
        off.push(o);
        o += a.length;
      }
      return { all, off };
    };
    const fr = concat(t.frho);
    const rr = concat(t.rhor);
    const zr = concat(t.z2r);
    this.frhoAll = fr.all;
    this.rhorAll = rr.all;
    this.z2rAll = zr.all;
    this.frhoOff = Int32Array.from(map.map((e) => fr.off[e]!));
    this.rhorOff = new Int32Array(nt * nt);
    this.z2rOff = new Int32Array(nt * nt);
    for (let i = 0; i < nt; i++)
      for (let j = 0; j < nt; j++) {
        this.rhorOff[i * nt + j] = rr.off[t.rhorIndex(map[i]!, map[j]!)]!;
        this.z2rOff[i * nt + j] = zr.off[z2rIndex(map[i]!, map[j]!)]!;
      }
  }

  memoryBytes(): number {
    return [this.rho, this.fp, this.eext, this.vext, this.typeExt, this.frhoAll, this.rhorAll, this.z2rAll].reduce(
      (s, a) => s + a.byteLength,
      0,
    );
  }

  compute(system: AtomSystem, nl: NeighborList, flags: ComputeFlags, out: ForceResult): void {
    const M = nl.nTotal;
    const n = nl.nLocal;
    const cap = nl.capacity;
    this.rho = ensureLength(this.rho, cap);
    this.fp = ensureLength(this.fp, cap);
    this.fext = nl.buildScratch;
    const rho = this.rho;
    const fp = this.fp;
    const f = this.fext;
    rho.fill(0, 0, M);
    f.fill(0, 0, 3 * M);
    if (this.typeBuild !== nl.builds || this.typeExt.length < M) {
      if (this.typeExt.length < M) this.typeExt = new Int32Array(cap);
      for (let k = 0; k < M; k++) this.typeExt[k] = system.types[nl.owner[k]!]!;
      this.typeBuild = nl.builds;
    }
    if (flags.perAtom !== true) {
      const eflag = flags.energy === true;
      out.energy = this.computeWithKernels(nl, eflag, flags.virial === true, out.virial);
      nl.foldToOwners(f, 3);
      system.forces.set(f.subarray(0, 3 * n));
      if (!eflag) out.energy = 0;
      return;
    }

    // Per-atom energies and virials (heat flux): densities and embedding as in the kernels;
    // the force pass below splits each pair's terms between i and j, which the kernel's
    // hot loop leaves out.
    this.eext = ensureLength(this.eext, cap);
    this.vext = ensureLength(this.vext, 6 * cap);
    this.eext.fill(0, 0, M);
    this.vext.fill(0, 0, 6 * M);
    const te = this.typeExt;
    const params = this.kernelParams();
    eamPairDensities(params, { x: nl.extPos, types: te, start: nl.start, list: nl.list }, 0, n, rho);
    nl.foldToOwners(rho, 1);
    const eatom = this.eext;
    let energy = eamEmbedding(params, te, 0, n, rho, fp, true, eatom);
    nl.copyToGhosts(fp, 1);

    const nt = this.nt;
    const nr = this.t.nr;
    const rdr = 1.0 / this.t.dr;
    const cutforcesq = this.t.cutmax * this.t.cutmax;
    const R = this.rhorAll;
    const Z = this.z2rAll;
    const rhorOff = this.rhorOff;
    const z2rOff = this.z2rOff;
    const x = nl.extPos;
    const start = nl.start;
    const list = nl.list;

    // Pass 2: forces.
    let vxx = 0,
      vyy = 0,
      vzz = 0,
      vxy = 0,
      vxz = 0,
      vyz = 0;
    const vatom = this.vext;
    for (let i = 0; i < n; i++) {
      const xi = x[3 * i]!;
      const yi = x[3 * i + 1]!;
      const zi = x[3 * i + 2]!;
      const it = te[i]!;
      const fpi = fp[i]!;
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
        if (rsq >= cutforcesq) continue;
        const jt = te[j]!;
        const r = Math.sqrt(rsq);
        let p = r * rdr + 1.0;
        let m = Math.trunc(p);
        if (m > nr - 1) m = nr - 1;
        p -= m;
        if (p > 1.0) p = 1.0;
        let c = rhorOff[it * nt + jt]! + 7 * m;
        const rhoip = (R[c]! * p + R[c + 1]!) * p + R[c + 2]!;
        c = rhorOff[jt * nt + it]! + 7 * m;
        const rhojp = (R[c]! * p + R[c + 1]!) * p + R[c + 2]!;
        c = z2rOff[it * nt + jt]! + 7 * m;
        const z2p = (Z[c]! * p + Z[c + 1]!) * p + Z[c + 2]!;
        const z2 = ((Z[c + 3]! * p + Z[c + 4]!) * p + Z[c + 5]!) * p + Z[c + 6]!;
        const recip = 1.0 / r;
        const phi = z2 * recip;
        const phip = z2p * recip - phi * recip;
        const psip = fpi * rhojp + fp[j]! * rhoip + phip;
        const fpair = -psip * recip;
        const fx = dx * fpair;
        const fy = dy * fpair;
        const fz = dz * fpair;
        fxi += fx;
        fyi += fy;
        fzi += fz;
        f[j3] = f[j3]! - fx;
        f[j3 + 1] = f[j3 + 1]! - fy;
        f[j3 + 2] = f[j3 + 2]! - fz;
        energy += phi;
        eatom[i] = eatom[i]! + 0.5 * phi;
        eatom[j] = eatom[j]! + 0.5 * phi;
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
    // Ghost pair halves belong to their owners; embedding energies are on locals already.
    for (let g = n; g < M; g++) {
      const o = nl.owner[g]!;
      eatom[o] = eatom[o]! + eatom[g]!;
    }
    nl.foldToOwners(vatom, 6);
    out.perAtomEnergy = eatom.slice(0, n);
    out.perAtomVirial = vatom.slice(0, 6 * n);
  }

  /** Totals only: the shared kernels (the ones the worker threads run) over all locals. */
  private computeWithKernels(nl: NeighborList, eflag: boolean, vflag: boolean, virial: Float64Array): number {
    const n = nl.nLocal;
    const params = this.kernelParams();
    const geometry = { x: nl.extPos, types: this.typeExt, start: nl.start, list: nl.list };
    eamPairDensities(params, geometry, 0, n, this.rho);
    nl.foldToOwners(this.rho, 1);
    const embedding = eamEmbedding(params, this.typeExt, 0, n, this.rho, this.fp, eflag, null);
    nl.copyToGhosts(this.fp, 1);
    const acc = this.acc;
    eamPairForces(params, geometry, this.fp, 0, n, this.fext, eflag, vflag, acc, 0);
    virial.set(acc.subarray(1, 7));
    return embedding + acc[0]!;
  }

  kernelParams(): EamKernelParams {
    const t = this.t;
    return {
      kind: "eam",
      nt: this.nt,
      nr: t.nr,
      nrho: t.nrho,
      rdr: 1.0 / t.dr,
      rdrho: 1.0 / t.drho,
      rhomax: t.rhomax,
      cutforcesq: t.cutmax * t.cutmax,
      rhor: this.rhorAll,
      z2r: this.z2rAll,
      frho: this.frhoAll,
      frhoOff: this.frhoOff,
      rhorOff: this.rhorOff,
      z2rOff: this.z2rOff,
    };
  }
}

export { ForceResult };
