/**
 * Pair loops of the potentials as plain functions over a range [i0, i1) of local atoms
 * of a half neighbour list, writing into a caller-owned force buffer. The serial force
 * fields and the worker threads run these same functions, so the parallel result is the
 * serial one summed in a different order. Units: Å, eV, eV/Å; virial in eV (LAMMPS sign).
 *
 * Hot loops keep their parameters in locals and take typed arrays only: V8 then
 * compiles them the same whether the arrays sit in an ArrayBuffer or a SharedArrayBuffer.
 * The module imports nothing, so a worker can load it on its own.
 */

/** LJ 12-6 coefficients per type pair (row-major nt×nt), as LjForceField precomputes them. */
export interface LjKernelParams {
  readonly kind: "lj";
  readonly nt: number;
  readonly lj1: Float64Array;
  readonly lj2: Float64Array;
  readonly lj3: Float64Array;
  readonly lj4: Float64Array;
  readonly offset: Float64Array;
  readonly cutsq: Float64Array;
}

/** EAM splines flattened as in EamForceField (7 coefficients per knot, LAMMPS layout). */
export interface EamKernelParams {
  readonly kind: "eam";
  readonly nt: number;
  readonly nr: number;
  readonly nrho: number;
  readonly rdr: number;
  readonly rdrho: number;
  readonly rhomax: number;
  readonly cutforcesq: number;
  readonly rhor: Float64Array;
  readonly z2r: Float64Array;
  readonly frho: Float64Array;
  readonly frhoOff: Int32Array;
  /** rhorOff[it*nt + jt]: spline of the density atom jt feels from it (LAMMPS type2rhor[it][jt]). */
  readonly rhorOff: Int32Array;
  readonly z2rOff: Int32Array;
}

export type KernelParams = LjKernelParams | EamKernelParams;

/** Accumulator layout: energy, then virial xx, yy, zz, xy, xz, yz. */
export const ACC_STRIDE = 7;

/** Where the loops read their geometry: the neighbour list's arrays. */
export interface PairGeometry {
  /** Extended positions (locals then ghosts), 3 per atom. */
  readonly x: Float64Array;
  /** Type of each extended atom (only read when nt > 1). */
  readonly types: Int32Array;
  readonly start: Int32Array;
  readonly list: Int32Array;
}

/** Lennard-Jones forces of the pairs owned by locals i0..i1-1; adds into f, writes acc[o..o+6]. */
export function ljPairForces(
  p: LjKernelParams,
  g: PairGeometry,
  i0: number,
  i1: number,
  f: Float64Array,
  eflag: boolean,
  vflag: boolean,
  acc: Float64Array,
  o: number,
): void {
  if (p.nt === 1) ljSingle(p, g.x, g.start, g.list, i0, i1, f, eflag, vflag, acc, o);
  else ljTyped(p, g.x, g.types, g.start, g.list, i0, i1, f, eflag, vflag, acc, o);
}

function ljSingle(
  p: LjKernelParams,
  x: Float64Array,
  start: Int32Array,
  list: Int32Array,
  i0: number,
  i1: number,
  f: Float64Array,
  eflag: boolean,
  vflag: boolean,
  acc: Float64Array,
  o: number,
): void {
  const lj1 = p.lj1[0]!,
    lj2 = p.lj2[0]!,
    lj3 = p.lj3[0]!,
    lj4 = p.lj4[0]!;
  const offset = p.offset[0]!;
  const cutsq = p.cutsq[0]!;
  let energy = 0;
  let vxx = 0,
    vyy = 0,
    vzz = 0,
    vxy = 0,
    vxz = 0,
    vyz = 0;
  for (let i = i0; i < i1; i++) {
    const xi = x[3 * i]!;
    const yi = x[3 * i + 1]!;
    const zi = x[3 * i + 2]!;
    let fxi = 0,
      fyi = 0,
      fzi = 0;
    const end = start[i + 1]!;
    for (let q = start[i]!; q < end; q++) {
      const j3 = 3 * list[q]!;
      const dx = xi - x[j3]!;
      const dy = yi - x[j3 + 1]!;
      const dz = zi - x[j3 + 2]!;
      const rsq = dx * dx + dy * dy + dz * dz;
      if (rsq >= cutsq) continue;
      const r2inv = 1 / rsq;
      const r6inv = r2inv * r2inv * r2inv;
      const fpair = r6inv * (lj1 * r6inv - lj2) * r2inv;
      const fx = dx * fpair;
      const fy = dy * fpair;
      const fz = dz * fpair;
      fxi += fx;
      fyi += fy;
      fzi += fz;
      f[j3] = f[j3]! - fx;
      f[j3 + 1] = f[j3 + 1]! - fy;
      f[j3 + 2] = f[j3 + 2]! - fz;
      if (eflag) energy += r6inv * (lj3 * r6inv - lj4) - offset;
      if (vflag) {
        vxx += dx * fx;
        vyy += dy * fy;
        vzz += dz * fz;
        vxy += dx * fy;
        vxz += dx * fz;
        vyz += dy * fz;
      }
    }
    f[3 * i] = f[3 * i]! + fxi;
    f[3 * i + 1] = f[3 * i + 1]! + fyi;
    f[3 * i + 2] = f[3 * i + 2]! + fzi;
  }
  storeAcc(acc, o, energy, vxx, vyy, vzz, vxy, vxz, vyz);
}

function ljTyped(
  p: LjKernelParams,
  x: Float64Array,
  te: Int32Array,
  start: Int32Array,
  list: Int32Array,
  i0: number,
  i1: number,
  f: Float64Array,
  eflag: boolean,
  vflag: boolean,
  acc: Float64Array,
  o: number,
): void {
  const { nt, lj1, lj2, lj3, lj4, offset, cutsq } = p;
  let energy = 0;
  let vxx = 0,
    vyy = 0,
    vzz = 0,
    vxy = 0,
    vxz = 0,
    vyz = 0;
  for (let i = i0; i < i1; i++) {
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
      if (eflag) energy += r6inv * (lj3[k]! * r6inv - lj4[k]!) - offset[k]!;
      if (vflag) {
        vxx += dx * fx;
        vyy += dy * fy;
        vzz += dz * fz;
        vxy += dx * fy;
        vxz += dx * fz;
        vyz += dy * fz;
      }
    }
    f[3 * i] = f[3 * i]! + fxi;
    f[3 * i + 1] = f[3 * i + 1]! + fyi;
    f[3 * i + 2] = f[3 * i + 2]! + fzi;
  }
  storeAcc(acc, o, energy, vxx, vyy, vzz, vxy, vxz, vyz);
}

/** EAM pass 1: electron densities from the pairs owned by locals i0..i1-1, added into rho (extended). */
export function eamPairDensities(p: EamKernelParams, g: PairGeometry, i0: number, i1: number, rho: Float64Array): void {
  if (p.nt === 1) eamDensitySingle(p, g.x, g.start, g.list, i0, i1, rho);
  else eamDensityTyped(p, g.x, g.types, g.start, g.list, i0, i1, rho);
}

function eamDensitySingle(
  p: EamKernelParams,
  x: Float64Array,
  start: Int32Array,
  list: Int32Array,
  i0: number,
  i1: number,
  rho: Float64Array,
): void {
  const { nr, rdr, cutforcesq } = p;
  const R = p.rhor;
  const rOff = p.rhorOff[0]!;
  for (let i = i0; i < i1; i++) {
    const xi = x[3 * i]!;
    const yi = x[3 * i + 1]!;
    const zi = x[3 * i + 2]!;
    let rhoi = 0;
    const end = start[i + 1]!;
    for (let q = start[i]!; q < end; q++) {
      const j = list[q]!;
      const dx = xi - x[3 * j]!;
      const dy = yi - x[3 * j + 1]!;
      const dz = zi - x[3 * j + 2]!;
      const rsq = dx * dx + dy * dy + dz * dz;
      if (rsq >= cutforcesq) continue;
      let t = Math.sqrt(rsq) * rdr + 1.0;
      let m = Math.trunc(t);
      if (m > nr - 1) m = nr - 1;
      t -= m;
      if (t > 1.0) t = 1.0;
      const c = rOff + 7 * m;
      const v = ((R[c + 3]! * t + R[c + 4]!) * t + R[c + 5]!) * t + R[c + 6]!;
      rhoi += v;
      rho[j] = rho[j]! + v;
    }
    rho[i] = rho[i]! + rhoi;
  }
}

function eamDensityTyped(
  p: EamKernelParams,
  x: Float64Array,
  te: Int32Array,
  start: Int32Array,
  list: Int32Array,
  i0: number,
  i1: number,
  rho: Float64Array,
): void {
  const { nt, nr, rdr, cutforcesq, rhorOff } = p;
  const R = p.rhor;
  for (let i = i0; i < i1; i++) {
    const xi = x[3 * i]!;
    const yi = x[3 * i + 1]!;
    const zi = x[3 * i + 2]!;
    const it = te[i]!;
    let rhoi = 0;
    const end = start[i + 1]!;
    for (let q = start[i]!; q < end; q++) {
      const j = list[q]!;
      const dx = xi - x[3 * j]!;
      const dy = yi - x[3 * j + 1]!;
      const dz = zi - x[3 * j + 2]!;
      const rsq = dx * dx + dy * dy + dz * dz;
      if (rsq >= cutforcesq) continue;
      const jt = te[j]!;
      let t = Math.sqrt(rsq) * rdr + 1.0;
      let m = Math.trunc(t);
      if (m > nr - 1) m = nr - 1;
      t -= m;
      if (t > 1.0) t = 1.0;
      let c = rhorOff[jt * nt + it]! + 7 * m;
      rhoi += ((R[c + 3]! * t + R[c + 4]!) * t + R[c + 5]!) * t + R[c + 6]!;
      c = rhorOff[it * nt + jt]! + 7 * m;
      rho[j] = rho[j]! + (((R[c + 3]! * t + R[c + 4]!) * t + R[c + 5]!) * t + R[c + 6]!);
    }
    rho[i] = rho[i]! + rhoi;
  }
}

/**
 * EAM embedding of locals i0..i1-1: F'(ρ) into fp, returns Σ F(ρ) (0 without eflag).
 * ρ beyond the table is extrapolated linearly, as LAMMPS does.
 */
export function eamEmbedding(
  p: EamKernelParams,
  types: Int32Array,
  i0: number,
  i1: number,
  rho: Float64Array,
  fp: Float64Array,
  eflag: boolean,
  perAtomEnergy: Float64Array | null,
): number {
  const { nrho, rdrho, rhomax } = p;
  const Fr = p.frho;
  const single = p.nt === 1;
  const off0 = p.frhoOff[0]!;
  let energy = 0;
  for (let i = i0; i < i1; i++) {
    let t = rho[i]! * rdrho + 1.0;
    let m = Math.trunc(t);
    m = Math.max(1, Math.min(m, nrho - 1));
    t -= m;
    if (t > 1.0) t = 1.0;
    const c = (single ? off0 : p.frhoOff[types[i]!]!) + 7 * m;
    fp[i] = (Fr[c]! * t + Fr[c + 1]!) * t + Fr[c + 2]!;
    if (eflag) {
      let phi = ((Fr[c + 3]! * t + Fr[c + 4]!) * t + Fr[c + 5]!) * t + Fr[c + 6]!;
      if (rho[i]! > rhomax) phi += fp[i]! * (rho[i]! - rhomax);
      energy += phi;
      if (perAtomEnergy) perAtomEnergy[i] = phi;
    }
  }
  return energy;
}

/** EAM pass 2: pair forces of locals i0..i1-1 given F'(ρ) on every extended atom; pair energy into acc. */
export function eamPairForces(
  p: EamKernelParams,
  g: PairGeometry,
  fp: Float64Array,
  i0: number,
  i1: number,
  f: Float64Array,
  eflag: boolean,
  vflag: boolean,
  acc: Float64Array,
  o: number,
): void {
  if (p.nt === 1) eamForceSingle(p, g.x, g.start, g.list, fp, i0, i1, f, eflag, vflag, acc, o);
  else eamForceTyped(p, g.x, g.types, g.start, g.list, fp, i0, i1, f, eflag, vflag, acc, o);
}

function eamForceSingle(
  p: EamKernelParams,
  x: Float64Array,
  start: Int32Array,
  list: Int32Array,
  fp: Float64Array,
  i0: number,
  i1: number,
  f: Float64Array,
  eflag: boolean,
  vflag: boolean,
  acc: Float64Array,
  o: number,
): void {
  const { nr, rdr, cutforcesq } = p;
  const R = p.rhor;
  const Z = p.z2r;
  const rOff = p.rhorOff[0]!;
  const zOff = p.z2rOff[0]!;
  let energy = 0;
  let vxx = 0,
    vyy = 0,
    vzz = 0,
    vxy = 0,
    vxz = 0,
    vyz = 0;
  for (let i = i0; i < i1; i++) {
    const xi = x[3 * i]!;
    const yi = x[3 * i + 1]!;
    const zi = x[3 * i + 2]!;
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
      const r = Math.sqrt(rsq);
      let t = r * rdr + 1.0;
      let m = Math.trunc(t);
      if (m > nr - 1) m = nr - 1;
      t -= m;
      if (t > 1.0) t = 1.0;
      let c = rOff + 7 * m;
      const rhop = (R[c]! * t + R[c + 1]!) * t + R[c + 2]!;
      c = zOff + 7 * m;
      const z2p = (Z[c]! * t + Z[c + 1]!) * t + Z[c + 2]!;
      const z2 = ((Z[c + 3]! * t + Z[c + 4]!) * t + Z[c + 5]!) * t + Z[c + 6]!;
      const recip = 1.0 / r;
      const phi = z2 * recip;
      const phip = z2p * recip - phi * recip;
      const fpair = -((fpi + fp[j]!) * rhop + phip) * recip;
      const fx = dx * fpair;
      const fy = dy * fpair;
      const fz = dz * fpair;
      fxi += fx;
      fyi += fy;
      fzi += fz;
      f[j3] = f[j3]! - fx;
      f[j3 + 1] = f[j3 + 1]! - fy;
      f[j3 + 2] = f[j3 + 2]! - fz;
      if (eflag) energy += phi;
      if (vflag) {
        vxx += dx * fx;
        vyy += dy * fy;
        vzz += dz * fz;
        vxy += dx * fy;
        vxz += dx * fz;
        vyz += dy * fz;
      }
    }
    f[3 * i] = f[3 * i]! + fxi;
    f[3 * i + 1] = f[3 * i + 1]! + fyi;
    f[3 * i + 2] = f[3 * i + 2]! + fzi;
  }
  storeAcc(acc, o, energy, vxx, vyy, vzz, vxy, vxz, vyz);
}

function eamForceTyped(
  p: EamKernelParams,
  x: Float64Array,
  te: Int32Array,
  start: Int32Array,
  list: Int32Array,
  fp: Float64Array,
  i0: number,
  i1: number,
  f: Float64Array,
  eflag: boolean,
  vflag: boolean,
  acc: Float64Array,
  o: number,
): void {
  const { nt, nr, rdr, cutforcesq, rhorOff, z2rOff } = p;
  const R = p.rhor;
  const Z = p.z2r;
  let energy = 0;
  let vxx = 0,
    vyy = 0,
    vzz = 0,
    vxy = 0,
    vxz = 0,
    vyz = 0;
  for (let i = i0; i < i1; i++) {
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
      let t = r * rdr + 1.0;
      let m = Math.trunc(t);
      if (m > nr - 1) m = nr - 1;
      t -= m;
      if (t > 1.0) t = 1.0;
      let c = rhorOff[it * nt + jt]! + 7 * m;
      const rhoip = (R[c]! * t + R[c + 1]!) * t + R[c + 2]!;
      c = rhorOff[jt * nt + it]! + 7 * m;
      const rhojp = (R[c]! * t + R[c + 1]!) * t + R[c + 2]!;
      c = z2rOff[it * nt + jt]! + 7 * m;
      const z2p = (Z[c]! * t + Z[c + 1]!) * t + Z[c + 2]!;
      const z2 = ((Z[c + 3]! * t + Z[c + 4]!) * t + Z[c + 5]!) * t + Z[c + 6]!;
      const recip = 1.0 / r;
      const phi = z2 * recip;
      const phip = z2p * recip - phi * recip;
      const fpair = -(fpi * rhojp + fp[j]! * rhoip + phip) * recip;
      const fx = dx * fpair;
      const fy = dy * fpair;
      const fz = dz * fpair;
      fxi += fx;
      fyi += fy;
      fzi += fz;
      f[j3] = f[j3]! - fx;
      f[j3 + 1] = f[j3 + 1]! - fy;
      f[j3 + 2] = f[j3 + 2]! - fz;
      if (eflag) energy += phi;
      if (vflag) {
        vxx += dx * fx;
        vyy += dy * fy;
        vzz += dz * fz;
        vxy += dx * fy;
        vxz += dx * fz;
        vyz += dy * fz;
      }
    }
    f[3 * i] = f[3 * i]! + fxi;
    f[3 * i + 1] = f[3 * i + 1]! + fyi;
    f[3 * i + 2] = f[3 * i + 2]! + fzi;
  }
  storeAcc(acc, o, energy, vxx, vyy, vzz, vxy, vxz, vyz);
}

function storeAcc(
  acc: Float64Array,
  o: number,
  energy: number,
  vxx: number,
  vyy: number,
  vzz: number,
  vxy: number,
  vxz: number,
  vyz: number,
): void {
  acc[o] = energy;
  acc[o + 1] = vxx;
  acc[o + 2] = vyy;
  acc[o + 3] = vzz;
  acc[o + 4] = vxy;
  acc[o + 5] = vxz;
  acc[o + 6] = vyz;
}
