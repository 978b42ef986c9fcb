import { Fft3d } from "./fft";
import { CORNER_OFFSETS, voxelStiffness } from "./hex8-voxel.stiffness";
import type { GridDims } from "./voxel-grid";

/**
 * Preconditioner z = K₀⁻¹ r, with K₀ the periodic voxel-FEM stiffness of a HOMOGENEOUS
 * reference medium C₀ on the same grid. K₀ is translation invariant, a 27-point stencil of
 * 3×3 blocks A_δ, so the FFT diagonalises it into one Hermitian 3×3 block per wave vector
 * θ: K̂₀(θ) = Σ_δ A_δ e^{iθ·δ}. Applying K₀⁻¹ costs six 3-D FFTs.
 *
 * Why: for K = Σ_e Bᵀ C_e B and K₀ = Σ_e Bᵀ C₀ B on the same mesh, the eigenvalues of K₀⁻¹K
 * lie between the extreme generalised eigenvalues of (C_e, C₀) over all voxels, so the CG
 * iteration count depends on the phase contrast only, not on the grid size (the FFT-
 * preconditioned FE solver of Ladecký, Leute, Falsafi, Pultarová, Pastewka, Junge, Zeman,
 * Appl. Math. Comput. 446 (2023) 127835, doi:10.1016/j.amc.2023.127835).
 *
 * The zero wave vector (rigid translation, the null space of K under periodic conditions)
 * is mapped to zero, so CG iterates stay in the zero-mean subspace.
 */
export interface Preconditioner3 {
  apply(r: Float64Array, z: Float64Array): void;
}

export function referenceMediumPreconditioner(dims: GridDims, referenceStiffnessPa: Float64Array): Preconditioner3 {
  const [n1, n2, n3] = dims;
  const N = n1 * n2 * n3;
  const Ke = voxelStiffness(referenceStiffnessPa);
  // A[δ] as 27 blocks of 3×3, δ index = (dx+1) + 3(dy+1) + 9(dz+1).
  const A = new Float64Array(27 * 9);
  for (let a = 0; a < 8; a++)
    for (let b = 0; b < 8; b++) {
      const ca = CORNER_OFFSETS[a]!;
      const cb = CORNER_OFFSETS[b]!;
      const d = cb[0] - ca[0] + 1 + 3 * (cb[1] - ca[1] + 1) + 9 * (cb[2] - ca[2] + 1);
      for (let r = 0; r < 3; r++)
        for (let s = 0; s < 3; s++) A[9 * d + 3 * r + s] = A[9 * d + 3 * r + s]! + Ke[24 * (3 * a + r) + 3 * b + s]!;
    }
  // Inverse blocks per wave vector: 9 real + 9 imaginary entries.
  const invRe = new Float64Array(9 * N);
  const invIm = new Float64Array(9 * N);
  const mRe = new Float64Array(9);
  const mIm = new Float64Array(9);
  let scale = 0;
  for (let i = 0; i < 9; i++) scale = Math.max(scale, Math.abs(A[9 * 13 + i]!));
  for (let k3 = 0; k3 < n3; k3++)
    for (let k2 = 0; k2 < n2; k2++)
      for (let k1 = 0; k1 < n1; k1++) {
        const f = k1 + n1 * (k2 + n2 * k3);
        if (f === 0) continue;
        mRe.fill(0);
        mIm.fill(0);
        for (let dz = -1; dz <= 1; dz++)
          for (let dy = -1; dy <= 1; dy++)
            for (let dx = -1; dx <= 1; dx++) {
              const phase = 2 * Math.PI * ((k1 * dx) / n1 + (k2 * dy) / n2 + (k3 * dz) / n3);
              const c = Math.cos(phase);
              const s = Math.sin(phase);
              const d = dx + 1 + 3 * (dy + 1) + 9 * (dz + 1);
              for (let i = 0; i < 9; i++) {
                const v = A[9 * d + i]!;
                mRe[i] = mRe[i]! + v * c;
                mIm[i] = mIm[i]! + v * s;
              }
            }
        invertComplex3(mRe, mIm, invRe.subarray(9 * f, 9 * f + 9), invIm.subarray(9 * f, 9 * f + 9), 1e-12 * scale);
      }
  const fft = new Fft3d(dims);
  const re = [new Float64Array(N), new Float64Array(N), new Float64Array(N)] as const;
  const im = [new Float64Array(N), new Float64Array(N), new Float64Array(N)] as const;
  return {
    apply(r, z) {
      for (let c = 0; c < 3; c++) {
        const rc = re[c]!;
        const ic = im[c]!;
        for (let v = 0; v < N; v++) rc[v] = r[3 * v + c]!;
        ic.fill(0);
        fft.transform(rc, ic, false);
      }
      const [r0, r1, r2] = re;
      const [i0, i1, i2] = im;
      for (let f = 0; f < N; f++) {
        const xr0 = r0[f]!,
          xr1 = r1[f]!,
          xr2 = r2[f]!;
        const xi0 = i0[f]!,
          xi1 = i1[f]!,
          xi2 = i2[f]!;
        const o = 9 * f;
        const yR = [0, 0, 0];
        const yI = [0, 0, 0];
        for (let row = 0; row < 3; row++) {
          const ar0 = invRe[o + 3 * row]!,
            ar1 = invRe[o + 3 * row + 1]!,
            ar2 = invRe[o + 3 * row + 2]!;
          const ai0 = invIm[o + 3 * row]!,
            ai1 = invIm[o + 3 * row + 1]!,
            ai2 = invIm[o + 3 * row + 2]!;
          yR[row] = ar0 * xr0 - ai0 * xi0 + ar1 * xr1 - ai1 * xi1 + ar2 * xr2 - ai2 * xi2;
          yI[row] = ar0 * xi0 + ai0 * xr0 + ar1 * xi1 + ai1 * xr1 + ar2 * xi2 + ai2 * xr2;
        }
        r0[f] = yR[0]!;
        r1[f] = yR[1]!;
        r2[f] = yR[2]!;
        i0[f] = yI[0]!;
        i1[f] = yI[1]!;
        i2[f] = yI[2]!;
      }
      for (let c = 0; c < 3; c++) {
        const rc = re[c]!;
        fft.transform(rc, im[c]!, true);
        for (let v = 0; v < N; v++) z[3 * v + c] = rc[v]!;
      }
    },
  };
}

/** Inverse of a complex 3×3 (adjugate / determinant); a near-singular block maps to zero. */
function invertComplex3(
  aR: Float64Array,
  aI: Float64Array,
  outR: Float64Array,
  outI: Float64Array,
  tiny: number,
): void {
  const mulR = (xr: number, xi: number, yr: number, yi: number): number => xr * yr - xi * yi;
  const mulI = (xr: number, xi: number, yr: number, yi: number): number => xr * yi + xi * yr;
  const cofR = new Float64Array(9);
  const cofI = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      const i1 = (i + 1) % 3,
        i2 = (i + 2) % 3,
        j1 = (j + 1) % 3,
        j2 = (j + 2) % 3;
      const pr =
        mulR(aR[3 * i1 + j1]!, aI[3 * i1 + j1]!, aR[3 * i2 + j2]!, aI[3 * i2 + j2]!) -
        mulR(aR[3 * i1 + j2]!, aI[3 * i1 + j2]!, aR[3 * i2 + j1]!, aI[3 * i2 + j1]!);
      const pi =
        mulI(aR[3 * i1 + j1]!, aI[3 * i1 + j1]!, aR[3 * i2 + j2]!, aI[3 * i2 + j2]!) -
        mulI(aR[3 * i1 + j2]!, aI[3 * i1 + j2]!, aR[3 * i2 + j1]!, aI[3 * i2 + j1]!);
      cofR[3 * i + j] = pr;
      cofI[3 * i + j] = pi;
    }
  let detR = 0;
  let detI = 0;
  for (let j = 0; j < 3; j++) {
    detR += mulR(aR[j]!, aI[j]!, cofR[j]!, cofI[j]!);
    detI += mulI(aR[j]!, aI[j]!, cofR[j]!, cofI[j]!);
  }
  const det2 = detR * detR + detI * detI;
  if (!(Math.sqrt(det2) > tiny ** 3)) {
    outR.fill(0);
    outI.fill(0);
    return;
  }
  // inverse_ij = cof_ji / det
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      const cr = cofR[3 * j + i]!;
      const ci = cofI[3 * j + i]!;
      outR[3 * i + j] = (cr * detR + ci * detI) / det2;
      outI[3 * i + j] = (ci * detR - cr * detI) / det2;
    }
}
