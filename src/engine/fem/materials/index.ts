import { cubicElastic, type CubicInput } from "./cubic-elastic.material";
import type { ElasticMaterial } from "./elastic.types";
import { isotropicElastic, type IsotropicInput } from "./isotropic-elastic.material";

/** Registry of elastic material models by name. */
export const ELASTIC_MATERIALS = {
  isotropic: (input: IsotropicInput): ElasticMaterial => isotropicElastic(input),
  cubic: (input: CubicInput): ElasticMaterial => cubicElastic(input),
} as const;

export { cubicElastic, cubicYoungsModulusPa, rotationFromMiller } from "./cubic-elastic.material";
export type { CubicInput, CubicElastic } from "./cubic-elastic.material";
export type { ElasticMaterial } from "./elastic.types";
export { isotropicElastic } from "./isotropic-elastic.material";
export type { IsotropicInput, IsotropicElastic } from "./isotropic-elastic.material";
export { diffusivityM2PerS, thermalMaterial } from "./thermal.material";
export type { ThermalMaterial } from "./thermal.material";
