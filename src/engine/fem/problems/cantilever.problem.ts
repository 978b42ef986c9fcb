/**
 * The cantilever benchmark problem (SI units): a beam clamped at x = 0 carrying a
 * transverse end load as a uniform traction on the tip face, acting in −z. Shared
 * by the CLI, the benchmark and the on-demand jobs, so that all three solve the
 * same model. Timoshenko's tip deflection, with Cowper's shear coefficient for a
 * rectangle κ = 10(1+ν)/(12+11ν), is returned beside the FE value as a check.
 */
import type { ElasticElementName } from "../elements/elastic.formulation";
import type { SolidShapeName } from "../elements/shape.types";
import type { ElasticMaterial } from "../materials/elastic.types";
import type { Mesh } from "../mesh/mesh.types";
import { cantileverMesh } from "../mesh/structured.mesh";
import {
  assembleElastic,
  fixed,
  recoverElastic,
  solveAssembledElastic,
  type ElasticResult,
} from "../physics/elasticity.problem";
import type { SolverOptions } from "../physics/linear-solve";

export interface CantileverSpec {
  readonly lengthM: number;
  readonly widthM: number;
  readonly heightM: number;
  /** End load, N (positive pushes the tip down, −z). */
  readonly loadN: number;
  readonly cells: readonly [number, number, number];
  readonly element: ElasticElementName;
  readonly material: ElasticMaterial;
  /** For the Timoshenko reference: the isotropic equivalent along the beam axis. */
  readonly referenceYoungsModulusPa: number;
  readonly referencePoissonRatio: number;
}

export interface CantileverResult {
  readonly mesh: Mesh;
  readonly result: ElasticResult;
  /** Mean downward displacement of the tip nodes, m. */
  readonly tipDeflectionM: number;
  readonly timoshenkoTipDeflectionM: number;
  readonly maxVonMisesPa: number;
  readonly strainEnergyJ: number;
  readonly dofs: number;
  readonly iterations: number;
}

export const SHAPE_OF_ELEMENT: Readonly<Record<ElasticElementName, SolidShapeName>> = {
  hex8: "hex8",
  hex8i: "hex8",
  hex8b: "hex8",
  hex20: "hex20",
  tet4: "tet4",
  tet10: "tet10",
};

export function timoshenkoTipDeflectionM(spec: Omit<CantileverSpec, "cells" | "element" | "material">): number {
  const { lengthM: L, widthM: b, heightM: h, loadN: P, referenceYoungsModulusPa: E, referencePoissonRatio: nu } = spec;
  const I = (b * h ** 3) / 12;
  const G = E / (2 * (1 + nu));
  const kappa = (10 * (1 + nu)) / (12 + 11 * nu);
  return (P * L ** 3) / (3 * E * I) + (P * L) / (kappa * G * b * h);
}

/** Assembles and solves in two steps so that callers can time them apart. */
export function solveCantilever(
  spec: CantileverSpec,
  options: SolverOptions & { onAssembled?: () => void } = {},
): CantileverResult {
  const [nx, ny, nz] = spec.cells;
  const mesh = cantileverMesh({
    lengthM: spec.lengthM,
    widthM: spec.widthM,
    heightM: spec.heightM,
    nx,
    ny,
    nz,
    shape: SHAPE_OF_ELEMENT[spec.element],
  });
  const system = assembleElastic(
    {
      mesh,
      element: spec.element,
      material: spec.material,
      supports: [fixed("fixed")],
      loads: [{ kind: "traction", faces: "tip", tractionPa: [0, 0, -spec.loadN / (spec.widthM * spec.heightM)] }],
    },
    options,
  );
  options.onAssembled?.();
  const solution = solveAssembledElastic(system, options);
  const result = recoverElastic(system, solution);
  const tip = mesh.nodeSets.get("tip") as Int32Array;
  let uz = 0;
  for (const n of tip) uz += result.displacementM[3 * n + 2] as number;
  return {
    mesh,
    result,
    tipDeflectionM: -uz / tip.length,
    timoshenkoTipDeflectionM: timoshenkoTipDeflectionM(spec),
    maxVonMisesPa: result.summary.maxVonMisesPa,
    strainEnergyJ: result.strainEnergyJ,
    dofs: result.provenance.dofs,
    iterations: result.provenance.solver.iterations,
  };
}
