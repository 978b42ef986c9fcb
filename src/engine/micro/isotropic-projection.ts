import { invert6 } from "./stiffness-tensor";

/**
 * Isotropic moduli of an anisotropic 6×6 stiffness (Voigt, engineering shear; Pa):
 *   K_V = [C11+C22+C33 + 2(C12+C13+C23)]/9,
 *   G_V = [C11+C22+C33 − (C12+C13+C23) + 3(C44+C55+C66)]/15,
 *   K_R = 1/[S11+S22+S33 + 2(S12+S13+S23)],
 *   G_R = 15/[4(S11+S22+S33) − 4(S12+S13+S23) + 3(S44+S55+S66)],
 * with S = C⁻¹; Hill's estimate is the arithmetic mean (R. Hill, Proc. Phys. Soc. A 65 (1952)
 * 349, doi:10.1088/0370-1298/65/5/307). E = 9KG/(3K+G), ν = (3K−2G)/(2(3K+G)) from the Hill
 * pair. G_V and K_V are increasing in C, G_R and K_R in S⁻¹, which is what makes
 * G_R(C) ≤ G_Hill(C) ≤ G_V(C) a usable check on an effective tensor.
 */
export interface IsotropicModuli {
  readonly bulkVoigtPa: number;
  readonly bulkReussPa: number;
  readonly bulkHillPa: number;
  readonly shearVoigtPa: number;
  readonly shearReussPa: number;
  readonly shearHillPa: number;
  readonly youngsModulusPa: number;
  readonly poissonRatio: number;
}

export function isotropicProjection(C: Float64Array): IsotropicModuli {
  const S = invert6(C);
  const at = (A: Float64Array, i: number, j: number): number => A[6 * (i - 1) + (j - 1)]!;
  const diag = (A: Float64Array): number => at(A, 1, 1) + at(A, 2, 2) + at(A, 3, 3);
  const off = (A: Float64Array): number => at(A, 1, 2) + at(A, 1, 3) + at(A, 2, 3);
  const shear = (A: Float64Array): number => at(A, 4, 4) + at(A, 5, 5) + at(A, 6, 6);
  const bulkVoigtPa = (diag(C) + 2 * off(C)) / 9;
  const shearVoigtPa = (diag(C) - off(C) + 3 * shear(C)) / 15;
  const bulkReussPa = 1 / (diag(S) + 2 * off(S));
  const shearReussPa = 15 / (4 * diag(S) - 4 * off(S) + 3 * shear(S));
  const K = (bulkVoigtPa + bulkReussPa) / 2;
  const G = (shearVoigtPa + shearReussPa) / 2;
  return {
    bulkVoigtPa,
    bulkReussPa,
    bulkHillPa: K,
    shearVoigtPa,
    shearReussPa,
    shearHillPa: G,
    youngsModulusPa: (9 * K * G) / (3 * K + G),
    poissonRatio: (3 * K - 2 * G) / (2 * (3 * K + G)),
  };
}
