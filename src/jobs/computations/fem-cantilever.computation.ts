import { solveCantilever } from "../../engine/fem";
import { PropertyKey } from "../../domain/property-key";
import type { Computation, ComputationOutput, RunControl } from "./computation";
import { elasticMaterialOf, femInputOf } from "./fem-input";

/**
 * The continuum end of the multiscale chain: a cantilever of the material (its
 * elastic constants from a database or an MD job). The beam's apparent Young's
 * modulus — the one that gives the computed tip deflection in Timoshenko's formula —
 * is stored as a property, so a component-level number sits beside the inputs.
 */
function run(raw: Record<string, unknown>, control: RunControl): ComputationOutput {
  const input = femInputOf(raw);
  const { material, youngsPa, poisson } = elasticMaterialOf(input);
  const solved = solveCantilever(
    {
      lengthM: input.lengthM,
      widthM: input.widthM,
      heightM: input.heightM,
      loadN: input.loadN ?? 1000,
      cells: input.elements,
      element: input.element,
      material,
      referenceYoungsModulusPa: youngsPa,
      referencePoissonRatio: poisson,
    },
    {
      preconditioner: "amg",
      tolerance: 1e-8,
      onProgress: (e) => control.onProgress?.(e.stage === "solve" ? 0.2 + 0.75 * (e.fraction ?? 0) : 0.1, e.stage),
    },
  );
  const apparentYoungsPa = youngsPa * (solved.timoshenkoTipDeflectionM / solved.tipDeflectionM);
  const method = `FEM-${input.element}:cantilever`;
  return {
    summary: {
      tipDeflectionM: solved.tipDeflectionM,
      timoshenkoTipDeflectionM: solved.timoshenkoTipDeflectionM,
      maxVonMisesPa: solved.maxVonMisesPa,
      strainEnergyJ: solved.strainEnergyJ,
      apparentYoungsModulusGPa: apparentYoungsPa / 1e9,
      dofs: solved.dofs,
      iterations: solved.iterations,
    },
    properties: [{ key: PropertyKey.YOUNGS_MODULUS, value: apparentYoungsPa / 1e9, unit: "GPa", method }],
    provenance: { mesh: solved.result.provenance.mesh, solver: solved.result.provenance.solver },
  };
}

export const femCantileverComputation: Computation = { kind: "fem.cantilever", run };
