import { ConvergenceError } from "../fem/fem.errors";
import type { CancellationToken, ProgressEvent } from "../fem/solvers/pcg.solver";
import { CENTRE_B, CORNER_OFFSETS, voxelStiffness } from "./hex8-voxel.stiffness";
import { MicroModelError } from "./micro.errors";
import { referenceMediumPreconditioner, type Preconditioner3 } from "./reference-medium.preconditioner";
import { assertSymmetricPositiveDefinite, isotropicStiffnessPa } from "./stiffness-tensor";
import { gridDims, type GridDims, voxelCount } from "./voxel-grid";

/**
 * Effective (homogenised) stiffness of a periodic voxel RVE by first-order homogenisation
 * with the finite-element method. Units: stiffness in Pa (any consistent unit works: the
 * answer is linear in the phase stiffnesses); lengths in voxel edges (the answer does not
 * depend on the voxel size).
 *
 * Each voxel is a fully integrated Hex8 element with its own 6×6 stiffness. The displacement
 * is u(x) = E·x + w(x), with E the imposed macroscopic strain and w the periodic fluctuation
 * (one node per grid point, opposite faces share nodes). w solves K w = −Σ_e Bᵀ C_e E, which
 * is singular only by rigid translation; that mode is removed by the preconditioner. Six unit
 * strains E = e_J (Voigt, engineering shear γ = 1 for J = 4..6) give the columns of
 * C_eff: σ̄ = (1/V) Σ_e C_e (E + B̄_e w_e), where B̄_e (the centre B) is the exact voxel mean
 * of B for a trilinear field.
 *
 * Solver: conjugate gradients on a matrix-free operator (one 24×24 block per distinct
 * material, applied voxel by voxel) preconditioned by the exact inverse of a homogeneous
 * reference medium through the FFT (reference-medium.preconditioner.ts).
 */
export interface VoxelRve {
  readonly dims: GridDims;
  /** Material index of each voxel (i-fastest order, see voxel-grid.ts). */
  readonly materialOf: Uint8Array | Uint16Array | Int32Array | Uint32Array;
  /** 6×6 Voigt stiffness (engineering shear) of each material, Pa. */
  readonly stiffnessPa: readonly Float64Array[];
}

export interface HomogeniseOptions {
  /**
   * CG stops when ‖r‖ ≤ tolerance · ‖f_e‖, with ‖f_e‖ the norm of the UNASSEMBLED element
   * loads Bᵀ C_e E: a uniform RVE, whose assembled load vanishes, then needs no iteration.
   */
  readonly tolerance?: number;
  readonly maxIterations?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly signal?: CancellationToken;
}

export interface HomogenisedStiffness {
  /** Symmetrised effective 6×6 stiffness, Pa, Voigt order [xx, yy, zz, yz, xz, xy], engineering shear. */
  readonly stiffnessPa: Float64Array;
  /** max |C_IJ − C_JI| / max |C_IJ| before symmetrisation: a check on solver accuracy. */
  readonly asymmetry: number;
  readonly iterations: readonly number[];
  readonly relativeResiduals: readonly number[];
  readonly dofs: number;
}

export function homogenise(rve: VoxelRve, options: HomogeniseOptions = {}): HomogenisedStiffness {
  const N = voxelCount(gridDims(rve.dims, "RVE dims"));
  if (rve.materialOf.length !== N)
    throw new MicroModelError(`materialOf has ${rve.materialOf.length} entries but the grid has ${N} voxels`);
  const M = rve.stiffnessPa.length;
  if (M === 0) throw new MicroModelError("an RVE needs at least one material");
  rve.stiffnessPa.forEach((C, m) => assertSymmetricPositiveDefinite(C, `material ${m}`));
  const used = new Float64Array(M);
  for (let v = 0; v < N; v++) {
    const m = rve.materialOf[v]!;
    if (!(m >= 0 && m < M))
      throw new MicroModelError(`voxel ${v} refers to material ${m}, but only ${M} materials are given`);
    used[m]! += 1;
  }
  const tolerance = options.tolerance ?? 1e-7;
  if (!(tolerance > 0 && tolerance < 1)) throw new MicroModelError(`tolerance must lie in (0, 1), got ${tolerance}`);
  const maxIterations = options.maxIterations ?? 2000;

  const Ke = new Float64Array(M * 576);
  rve.stiffnessPa.forEach((C, m) => Ke.set(voxelStiffness(C), 576 * m));
  const nodesOf = voxelNodes(rve.dims);
  const apply = (x: Float64Array, y: Float64Array): void => applyOperator(Ke, rve.materialOf, nodesOf, x, y);
  const precond = referenceMediumPreconditioner(rve.dims, referenceStiffness(rve.stiffnessPa, used));

  const C = new Float64Array(36);
  const iterations: number[] = [];
  const residuals: number[] = [];
  const dofs = 3 * N;
  const w = new Float64Array(dofs);
  const f = new Float64Array(dofs);
  // Macroscopic nodal displacements E·x_a on a unit voxel, per load case.
  const uE = new Float64Array(24);
  const feLocal = new Float64Array(M * 24);
  for (let J = 0; J < 6; J++) {
    const E = new Float64Array(6);
    E[J] = 1;
    macroDisplacement(E, uE);
    let elementLoadSq = 0;
    for (let m = 0; m < M; m++) {
      for (let p = 0; p < 24; p++) {
        let s = 0;
        for (let q = 0; q < 24; q++) s += Ke[576 * m + 24 * p + q]! * uE[q]!;
        feLocal[24 * m + p] = -s;
        elementLoadSq += used[m]! * s * s;
      }
    }
    f.fill(0);
    for (let v = 0; v < N; v++) {
      const m = rve.materialOf[v]!;
      for (let a = 0; a < 8; a++) {
        const node = nodesOf[8 * v + a]!;
        for (let c = 0; c < 3; c++) f[3 * node + c] = f[3 * node + c]! + feLocal[24 * m + 3 * a + c]!;
      }
    }
    w.fill(0);
    const report = solvePcg(apply, precond, f, w, Math.sqrt(elementLoadSq) * tolerance, maxIterations, J, options);
    iterations.push(report.iterations);
    residuals.push(report.residual / Math.sqrt(elementLoadSq));
    const sigma = averageStress(rve, nodesOf, w, E);
    for (let I = 0; I < 6; I++) C[6 * I + J] = sigma[I]!;
  }
  let asym = 0;
  let big = 0;
  for (let I = 0; I < 6; I++)
    for (let J = 0; J < 6; J++) {
      asym = Math.max(asym, Math.abs(C[6 * I + J]! - C[6 * J + I]!));
      big = Math.max(big, Math.abs(C[6 * I + J]!));
    }
  const sym = new Float64Array(36);
  for (let I = 0; I < 6; I++) for (let J = 0; J < 6; J++) sym[6 * I + J] = 0.5 * (C[6 * I + J]! + C[6 * J + I]!);
  return { stiffnessPa: sym, asymmetry: asym / big, iterations, relativeResiduals: residuals, dofs };
}

/** The 8 periodic node indices of each voxel (node (i, j, k) ↔ grid point, wrapped). */
function voxelNodes(dims: GridDims): Int32Array {
  const [n1, n2, n3] = dims;
  const out = new Int32Array(8 * n1 * n2 * n3);
  for (let k = 0; k < n3; k++)
    for (let j = 0; j < n2; j++)
      for (let i = 0; i < n1; i++) {
        const v = i + n1 * (j + n2 * k);
        for (let a = 0; a < 8; a++) {
          const [cx, cy, cz] = CORNER_OFFSETS[a]!;
          out[8 * v + a] = ((i + cx) % n1) + n1 * (((j + cy) % n2) + n2 * ((k + cz) % n3));
        }
      }
  return out;
}

function macroDisplacement(E: Float64Array, out: Float64Array): void {
  // u_i = ε_ij x_j with ε_ij from Voigt (engineering shear halves into the tensor).
  const eps = [
    [E[0]!, E[5]! / 2, E[4]! / 2],
    [E[5]! / 2, E[1]!, E[3]! / 2],
    [E[4]! / 2, E[3]! / 2, E[2]!],
  ];
  for (let a = 0; a < 8; a++) {
    const x = CORNER_OFFSETS[a]!;
    for (let i = 0; i < 3; i++) out[3 * a + i] = eps[i]![0]! * x[0] + eps[i]![1]! * x[1] + eps[i]![2]! * x[2];
  }
}

function applyOperator(
  Ke: Float64Array,
  materialOf: VoxelRve["materialOf"],
  nodesOf: Int32Array,
  x: Float64Array,
  y: Float64Array,
): void {
  y.fill(0);
  const ue = new Float64Array(24);
  const N = materialOf.length;
  for (let v = 0; v < N; v++) {
    const base = 8 * v;
    for (let a = 0; a < 8; a++) {
      const n3 = 3 * nodesOf[base + a]!;
      ue[3 * a] = x[n3]!;
      ue[3 * a + 1] = x[n3 + 1]!;
      ue[3 * a + 2] = x[n3 + 2]!;
    }
    const k0 = 576 * materialOf[v]!;
    for (let a = 0; a < 8; a++) {
      const n3 = 3 * nodesOf[base + a]!;
      for (let c = 0; c < 3; c++) {
        const row = k0 + 24 * (3 * a + c);
        let s = 0;
        for (let q = 0; q < 24; q++) s += Ke[row + q]! * ue[q]!;
        y[n3 + c] = y[n3 + c]! + s;
      }
    }
  }
}

/**
 * An isotropic reference medium C₀ with Kelvin moduli 3K₀ and 2G₀, each the geometric mean of
 * the extreme values over the used materials of, respectively, the hydrostatic Rayleigh
 * quotient and the eigenvalues of C restricted to deviatoric strains. For isotropic phases
 * the eigenvalues of K₀⁻¹K then lie in [min(3Kᵢ/3K₀, 2Gᵢ/2G₀), max(…)], and splitting the two
 * ratios halves the condition number of a single κ·I reference (cubic grains all share 3K,
 * so their bulk ratio is exactly 1).
 */
function referenceStiffness(stiffness: readonly Float64Array[], used: Float64Array): Float64Array {
  let hMin = Infinity;
  let hMax = 0;
  let dMin = Infinity;
  let dMax = 0;
  stiffness.forEach((C, m) => {
    if (!(used[m]! > 0)) return;
    let h = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) h += C[6 * i + j]!;
    h /= 3;
    hMin = Math.min(hMin, h);
    hMax = Math.max(hMax, h);
    const dev = deviatoricEigenRange(C);
    dMin = Math.min(dMin, dev.min);
    dMax = Math.max(dMax, dev.max);
  });
  return isotropicStiffnessPa(Math.sqrt(hMin * hMax) / 3, Math.sqrt(dMin * dMax) / 2);
}

/** Extreme eigenvalues of the Kelvin form of C on the deviatoric (trace-free) strains. */
function deviatoricEigenRange(C: Float64Array): { min: number; max: number } {
  const K = new Float64Array(36);
  for (let i = 0; i < 6; i++)
    for (let j = 0; j < 6; j++) K[6 * i + j] = C[6 * i + j]! * (i >= 3 ? Math.SQRT2 : 1) * (j >= 3 ? Math.SQRT2 : 1);
  // Project with P = I − e eᵀ, e = (1, 1, 1, 0, 0, 0)/√3, then shift the e direction out of
  // the way (±trace) so the extremes returned are the deviatoric ones.
  const e = [1, 1, 1, 0, 0, 0].map((x) => x / Math.sqrt(3));
  const P = new Float64Array(36);
  for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) P[6 * i + j] = (i === j ? 1 : 0) - e[i]! * e[j]!;
  const PKP = new Float64Array(36);
  for (let i = 0; i < 6; i++)
    for (let j = 0; j < 6; j++) {
      let s = 0;
      for (let k = 0; k < 6; k++) for (let l = 0; l < 6; l++) s += P[6 * i + k]! * K[6 * k + l]! * P[6 * l + j]!;
      PKP[6 * i + j] = s;
    }
  let trace = 0;
  for (let i = 0; i < 6; i++) trace += Math.abs(K[7 * i]!);
  const shifted = (sign: number): Float64Array =>
    PKP.map((v, idx) => v + sign * trace * e[Math.floor(idx / 6)]! * e[idx % 6]!);
  return { min: symmetricEigenRange(shifted(1)).min, max: symmetricEigenRange(shifted(-1)).max };
}

/** Extreme eigenvalues of a symmetric 6×6, by cyclic Jacobi rotations. */
function symmetricEigenRange(A: Float64Array): { min: number; max: number } {
  const a = Float64Array.from(A);
  const norm2 = a.reduce((s, v) => s + v * v, 0);
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < 6; p++) for (let q = p + 1; q < 6; q++) off += a[6 * p + q]! ** 2;
    if (off <= 1e-30 * norm2) break;
    for (let p = 0; p < 6; p++)
      for (let q = p + 1; q < 6; q++) {
        const apq = a[6 * p + q]!;
        if (apq === 0) continue;
        const theta = (a[6 * q + q]! - a[6 * p + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < 6; k++) {
          const akp = a[6 * k + p]!;
          const akq = a[6 * k + q]!;
          a[6 * k + p] = c * akp - s * akq;
          a[6 * k + q] = s * akp + c * akq;
        }
        for (let k = 0; k < 6; k++) {
          const apk = a[6 * p + k]!;
          const aqk = a[6 * q + k]!;
          a[6 * p + k] = c * apk - s * aqk;
          a[6 * q + k] = s * apk + c * aqk;
        }
      }
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < 6; i++) {
    min = Math.min(min, a[7 * i]!);
    max = Math.max(max, a[7 * i]!);
  }
  return { min, max };
}

function solvePcg(
  apply: (x: Float64Array, y: Float64Array) => void,
  M: Preconditioner3,
  b: Float64Array,
  x: Float64Array,
  absoluteTolerance: number,
  maxIterations: number,
  loadCase: number,
  options: HomogeniseOptions,
): { iterations: number; residual: number } {
  const n = b.length;
  const r = Float64Array.from(b);
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  let rr = dot(r, r);
  if (Math.sqrt(rr) <= absoluteTolerance) return { iterations: 0, residual: Math.sqrt(rr) };
  M.apply(r, z);
  p.set(z);
  let rz = dot(r, z);
  for (let it = 1; it <= maxIterations; it++) {
    if (options.signal?.aborted) throw new MicroModelError("homogenisation cancelled");
    apply(p, q);
    const pq = dot(p, q);
    if (!(pq > 0))
      throw new MicroModelError(`the RVE stiffness is not positive definite (pᵀKp = ${pq} at iteration ${it})`);
    const alpha = rz / pq;
    rr = 0;
    for (let i = 0; i < n; i++) {
      x[i] = x[i]! + alpha * p[i]!;
      const ri = r[i]! - alpha * q[i]!;
      r[i] = ri;
      rr += ri * ri;
    }
    const res = Math.sqrt(rr);
    if (options.onProgress && it % 5 === 0)
      options.onProgress({
        stage: "solve",
        iteration: it,
        relativeResidual: res / Math.sqrt(dot(b, b)),
        fraction: loadCase / 6,
      });
    if (res <= absoluteTolerance) return { iterations: it, residual: res };
    M.apply(r, z);
    const rzNew = dot(r, z);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < n; i++) p[i] = z[i]! + beta * p[i]!;
  }
  throw new ConvergenceError(maxIterations, Math.sqrt(rr) / Math.sqrt(dot(b, b)));
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function averageStress(rve: VoxelRve, nodesOf: Int32Array, w: Float64Array, E: Float64Array): Float64Array {
  const M = rve.stiffnessPa.length;
  // Per material: Σ over its voxels of (E + B̄ w_e).
  const strainSum = new Float64Array(6 * M);
  const N = rve.materialOf.length;
  for (let v = 0; v < N; v++) {
    const m = rve.materialOf[v]!;
    for (let a = 0; a < 8; a++) {
      const n3 = 3 * nodesOf[8 * v + a]!;
      for (let c = 0; c < 3; c++) {
        const wv = w[n3 + c]!;
        if (wv === 0) continue;
        const col = 3 * a + c;
        for (let I = 0; I < 6; I++) {
          const b = CENTRE_B[24 * I + col]!;
          if (b !== 0) strainSum[6 * m + I] = strainSum[6 * m + I]! + b * wv;
        }
      }
    }
    for (let I = 0; I < 6; I++) strainSum[6 * m + I] = strainSum[6 * m + I]! + E[I]!;
  }
  const sigma = new Float64Array(6);
  for (let m = 0; m < M; m++) {
    const C = rve.stiffnessPa[m]!;
    for (let I = 0; I < 6; I++) {
      let s = 0;
      for (let J = 0; J < 6; J++) s += C[6 * I + J]! * strainSum[6 * m + J]!;
      sigma[I] = sigma[I]! + s / N;
    }
  }
  return sigma;
}
