import { FemModelError } from "../fem.errors";
import type { ElasticMaterial } from "./elastic.types";

/**
 * Isotropic linear elasticity (Pa). From (E, ν): λ = Eν/((1+ν)(1-2ν)), G = E/(2(1+ν));
 * from (K, G): E = 9KG/(3K+G), ν = (3K-2G)/(2(3K+G)). D = λ 1⊗1 + 2G I in Voigt form.
 */
export type IsotropicInput =
  | { youngsModulusPa: number; poissonRatio: number; thermalExpansionPerK?: number; densityKgM3?: number }
  | { bulkModulusPa: number; shearModulusPa: number; thermalExpansionPerK?: number; densityKgM3?: number };

export interface IsotropicElastic extends ElasticMaterial {
  readonly kind: "isotropic";
  readonly youngsModulusPa: number;
  readonly poissonRatio: number;
}

export function isotropicElastic(input: IsotropicInput): IsotropicElastic {
  let E: number;
  let nu: number;
  if ("youngsModulusPa" in input) {
    E = input.youngsModulusPa;
    nu = input.poissonRatio;
  } else {
    const K = input.bulkModulusPa;
    const G = input.shearModulusPa;
    if (!(K > 0 && G > 0)) throw new FemModelError(`bulk and shear moduli must be positive, got K=${K}, G=${G}`);
    E = (9 * K * G) / (3 * K + G);
    nu = (3 * K - 2 * G) / (2 * (3 * K + G));
  }
  if (!(E > 0)) throw new FemModelError(`Young's modulus must be positive, got ${E}`);
  if (!(nu > -1 && nu < 0.5)) throw new FemModelError(`Poisson ratio must lie in (-1, 0.5), got ${nu}`);
  const lambda = (E * nu) / ((1 + nu) * (1 - 2 * nu));
  const G = E / (2 * (1 + nu));
  const D = new Float64Array(36);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) D[6 * i + j] = lambda;
    D[6 * i + i] = lambda + 2 * G;
    D[6 * (i + 3) + i + 3] = G;
  }
  return {
    kind: "isotropic",
    youngsModulusPa: E,
    poissonRatio: nu,
    stiffnessPa: D,
    thermalExpansionPerK: input.thermalExpansionPerK ?? 0,
    densityKgM3: input.densityKgM3 ?? 0,
  };
}
