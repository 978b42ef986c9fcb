import { cubicElastic, isotropicElastic, type ElasticElementName, type ElasticMaterial } from "../../engine/fem";

/** The FEM part of a job input, as the simulation service prepared it (SI units). */
export interface FemJobInput {
  readonly elements: [number, number, number];
  readonly element: ElasticElementName;
  readonly lengthM: number;
  readonly widthM: number;
  readonly heightM: number;
  readonly loadN?: number;
  readonly elastic?:
    | { type: "isotropic"; youngsModulusPa: number; poissonRatio: number }
    | { type: "cubic"; C11Pa: number; C12Pa: number; C44Pa: number };
  readonly conductivityWPerMK?: number;
}

export function femInputOf(raw: Record<string, unknown>): FemJobInput {
  return raw as unknown as FemJobInput;
}

/** The elastic material and its isotropic equivalent along x (for beam-theory references). */
export function elasticMaterialOf(input: Pick<FemJobInput, "elastic">): {
  material: ElasticMaterial;
  youngsPa: number;
  poisson: number;
} {
  const e = input.elastic;
  if (!e) throw new Error("the job input has no elastic constants");
  if (e.type === "isotropic") {
    return {
      material: isotropicElastic({ youngsModulusPa: e.youngsModulusPa, poissonRatio: e.poissonRatio }),
      youngsPa: e.youngsModulusPa,
      poisson: e.poissonRatio,
    };
  }
  // Along [100] of a cubic crystal: E = (C11 − C12)(C11 + 2C12)/(C11 + C12), ν = C12/(C11 + C12).
  const { C11Pa: c11, C12Pa: c12, C44Pa: c44 } = e;
  return {
    material: cubicElastic({ c11Pa: c11, c12Pa: c12, c44Pa: c44 }),
    youngsPa: ((c11 - c12) * (c11 + 2 * c12)) / (c11 + c12),
    poisson: c12 / (c11 + c12),
  };
}
