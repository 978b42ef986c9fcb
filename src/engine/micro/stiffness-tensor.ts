import { MicroModelError } from "./micro.errors";

/**
 * 6×6 stiffness and compliance matrices in Voigt notation, row-major Float64Array(36), Pa.
 * Order [xx, yy, zz, yz, xz, xy] with ENGINEERING shear strains (γ_yz = 2ε_yz), the
 * convention of the FEM engine (src/engine/fem/materials/elastic.types.ts): σ_I = C_IJ ε_J
 * and C_IJ equals the tensor component C_ijkl without factors of 2.
 *
 * Rotations R are row-major 3×3 with the crystal axes as COLUMNS expressed in the sample
 * frame (v_sample = R v_crystal), so C_sample_ijkl = R_ia R_jb R_kc R_ld C_crystal_abcd.
 */
const VOIGT_PAIRS: ReadonlyArray<readonly [number, number]> = [
  [0, 0],
  [1, 1],
  [2, 2],
  [1, 2],
  [0, 2],
  [0, 1],
];
const voigtIndex = (i: number, j: number): number => (i === j ? i : 6 - i - j);
/** Pa shown in GPa for error messages: people state elastic constants in GPa. */
const gpa = (pa: number): string => String(Number((pa / 1e9).toPrecision(6)));

export function isotropicStiffnessPa(bulkModulusPa: number, shearModulusPa: number): Float64Array {
  if (!(bulkModulusPa > 0 && shearModulusPa > 0))
    throw new MicroModelError(
      `isotropic phase needs positive K and G, got K=${gpa(bulkModulusPa)} GPa, G=${gpa(shearModulusPa)} GPa`,
    );
  const lambda = bulkModulusPa - (2 / 3) * shearModulusPa;
  const C = new Float64Array(36);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) C[6 * i + j] = lambda;
    C[6 * i + i] = lambda + 2 * shearModulusPa;
    C[6 * (i + 3) + i + 3] = shearModulusPa;
  }
  return C;
}

/** Bulk and shear moduli from Young's modulus and Poisson's ratio, with a named error for bad input. */
export function moduliFromYoungs(
  youngsModulusPa: number,
  poissonRatio: number,
  what: string,
): { bulkModulusPa: number; shearModulusPa: number } {
  if (!(youngsModulusPa > 0))
    throw new MicroModelError(`${what}: Young's modulus must be positive, got ${gpa(youngsModulusPa)} GPa`);
  if (!(poissonRatio > -1 && poissonRatio < 0.5))
    throw new MicroModelError(`${what}: Poisson's ratio must lie in (−1, 0.5), got ${poissonRatio}`);
  return {
    bulkModulusPa: youngsModulusPa / (3 * (1 - 2 * poissonRatio)),
    shearModulusPa: youngsModulusPa / (2 * (1 + poissonRatio)),
  };
}

/** Cubic crystal in its own frame; stability C44 > 0, C11 > |C12|, C11 + 2C12 > 0. */
export function cubicStiffnessPa(c11Pa: number, c12Pa: number, c44Pa: number): Float64Array {
  if (!(c44Pa > 0 && c11Pa > Math.abs(c12Pa) && c11Pa + 2 * c12Pa > 0)) {
    throw new MicroModelError(
      `cubic constants are not positive definite: C11=${gpa(c11Pa)} GPa, C12=${gpa(c12Pa)} GPa, C44=${gpa(c44Pa)} GPa (need C44 > 0, C11 > |C12|, C11 + 2·C12 > 0)`,
    );
  }
  const C = new Float64Array(36);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) C[6 * i + j] = i === j ? c11Pa : c12Pa;
    C[6 * (i + 3) + i + 3] = c44Pa;
  }
  return C;
}

export function rotateStiffness(C: Float64Array, R: Float64Array): Float64Array {
  const out = new Float64Array(36);
  for (let P = 0; P < 6; P++) {
    const [i, j] = VOIGT_PAIRS[P]!;
    for (let Q = P; Q < 6; Q++) {
      const [k, l] = VOIGT_PAIRS[Q]!;
      let sum = 0;
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          const rab = R[3 * i + a]! * R[3 * j + b]!;
          if (rab === 0) continue;
          const AB = voigtIndex(a, b);
          for (let c = 0; c < 3; c++) {
            const rabc = rab * R[3 * k + c]!;
            if (rabc === 0) continue;
            for (let d = 0; d < 3; d++) sum += rabc * R[3 * l + d]! * C[6 * AB + voigtIndex(c, d)]!;
          }
        }
      }
      out[6 * P + Q] = sum;
      out[6 * Q + P] = sum;
    }
  }
  return out;
}

/** Cholesky factor test: throws naming `what` when C is not symmetric positive definite. */
export function assertSymmetricPositiveDefinite(C: Float64Array, what: string): void {
  if (C.length !== 36) throw new MicroModelError(`${what}: a stiffness must have 36 entries (6×6), got ${C.length}`);
  let scale = 0;
  for (let i = 0; i < 36; i++) {
    if (!Number.isFinite(C[i]!)) throw new MicroModelError(`${what}: stiffness entry ${i} is not finite`);
    scale = Math.max(scale, Math.abs(C[i]!));
  }
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(C[6 * i + j]! - C[6 * j + i]!) > 1e-10 * scale)
        throw new MicroModelError(`${what}: stiffness is not symmetric (C${i + 1}${j + 1} ≠ C${j + 1}${i + 1})`);
    }
  }
  const L = new Float64Array(36);
  for (let j = 0; j < 6; j++) {
    let d = C[6 * j + j]!;
    for (let k = 0; k < j; k++) d -= L[6 * j + k]! ** 2;
    if (!(d > 1e-12 * scale)) throw new MicroModelError(`${what}: stiffness is not positive definite`);
    const ljj = Math.sqrt(d);
    L[6 * j + j] = ljj;
    for (let i = j + 1; i < 6; i++) {
      let s = C[6 * i + j]!;
      for (let k = 0; k < j; k++) s -= L[6 * i + k]! * L[6 * j + k]!;
      L[6 * i + j] = s / ljj;
    }
  }
}

/** Inverse of a 6×6 by Gauss–Jordan with partial pivoting (compliance from stiffness). */
export function invert6(C: Float64Array): Float64Array {
  const a = Float64Array.from(C);
  const inv = new Float64Array(36);
  for (let i = 0; i < 6; i++) inv[7 * i] = 1;
  for (let col = 0; col < 6; col++) {
    let pivot = col;
    for (let r = col + 1; r < 6; r++) if (Math.abs(a[6 * r + col]!) > Math.abs(a[6 * pivot + col]!)) pivot = r;
    const p = a[6 * pivot + col]!;
    if (p === 0 || !Number.isFinite(p)) throw new MicroModelError("6×6 stiffness is singular and has no compliance");
    if (pivot !== col) {
      for (let c = 0; c < 6; c++) {
        const t = a[6 * col + c]!;
        a[6 * col + c] = a[6 * pivot + c]!;
        a[6 * pivot + c] = t;
        const u = inv[6 * col + c]!;
        inv[6 * col + c] = inv[6 * pivot + c]!;
        inv[6 * pivot + c] = u;
      }
    }
    for (let c = 0; c < 6; c++) {
      a[6 * col + c] = a[6 * col + c]! / p;
      inv[6 * col + c] = inv[6 * col + c]! / p;
    }
    for (let r = 0; r < 6; r++) {
      if (r === col) continue;
      const f = a[6 * r + col]!;
      if (f === 0) continue;
      for (let c = 0; c < 6; c++) {
        a[6 * r + c] = a[6 * r + c]! - f * a[6 * col + c]!;
        inv[6 * r + c] = inv[6 * r + c]! - f * inv[6 * col + c]!;
      }
    }
  }
  return inv;
}
