import {
  assembleElastic,
  plateWithHoleMesh,
  recoverElastic,
  selectNodes,
  solveAssembledElastic,
  SHAPE_OF_ELEMENT,
} from "../../engine/fem";
import type { Computation, ComputationOutput, RunControl } from "./computation";
import { elasticMaterialOf, type FemJobInput } from "./fem-input";

/**
 * A square plate with a central circular hole under uniaxial tension along x (SI units),
 * its elastic constants from a database or an MD job: the classic stress-concentration
 * problem. An eighth of the plate is meshed, graded towards the hole: symmetry planes
 * x = 0, y = 0 and the mid-plane z = 0 (held in z only, so the plate is free to thin); the
 * remote traction acts on the edge x = W.
 *
 * The stress concentration factor is σxx at the top of the hole (x = 0, y = a), averaged
 * through the thickness, over the applied (gross) traction. References beside it: Kirsch's
 * 3 for an isotropic infinite plate (G. Kirsch, VDI Z. 42, 1898), and for a cubic crystal
 * loaded along [100] Lekhnitskii's orthotropic solution
 *   Kt = 1 + √(2(√(Ex/Ey) − νxy) + Ex/Gxy),
 * which is 3 when the material is isotropic (S. G. Lekhnitskii, Anisotropic Plates, 1968).
 * A finite plate (W/a = 10 by default) concentrates about 1 % more than the infinite one.
 *
 * Nothing is stored as a material property (a stress concentration factor belongs to the
 * geometry, not to the material): the job's result holds the numbers.
 */
export interface PlateHoleJobInput extends Pick<FemJobInput, "elements" | "element" | "elastic"> {
  readonly holeRadiusM: number;
  /** Half the plate's side: the hole's centre to the loaded edge. */
  readonly halfWidthM: number;
  /** The whole plate's thickness (half of it is meshed, above the mid-plane). */
  readonly thicknessM: number;
  /** Remote traction along x, Pa. */
  readonly tractionPa: number;
  /** Radial cells: outermost over innermost size. */
  readonly grading: number;
}

/** Lekhnitskii's infinite-plate factor for the job's material loaded along x (3 when isotropic). */
export function referenceStressConcentration(input: Pick<FemJobInput, "elastic">): number {
  const e = input.elastic;
  if (!e) throw new Error("the job input has no elastic constants");
  if (e.type === "isotropic") return 3;
  const { C11Pa: c11, C12Pa: c12, C44Pa: c44 } = e;
  // In the (001) plane of a cubic crystal: Ex = Ey = 1/S11, νxy = C12/(C11 + C12), Gxy = C44.
  const exPa = ((c11 - c12) * (c11 + 2 * c12)) / (c11 + c12);
  const nuXy = c12 / (c11 + c12);
  return 1 + Math.sqrt(2 * (1 - nuXy) + exPa / c44);
}

function run(raw: Record<string, unknown>, control: RunControl): ComputationOutput {
  const input = raw as unknown as PlateHoleJobInput;
  const { material } = elasticMaterialOf(input);
  const [nAngular, nRadial, nThickness] = input.elements;
  const a = input.holeRadiusM;
  const mesh = plateWithHoleMesh({
    holeRadiusM: a,
    halfWidthM: input.halfWidthM,
    thicknessM: input.thicknessM / 2,
    nAngular,
    nRadial,
    nThickness,
    shape: SHAPE_OF_ELEMENT[input.element],
    grading: input.grading,
  });
  const onProgress = (e: { stage: string; fraction?: number }) =>
    control.onProgress?.(e.stage === "solve" ? 0.2 + 0.75 * (e.fraction ?? 0) : 0.1, e.stage);
  const system = assembleElastic(
    {
      mesh,
      element: input.element,
      material,
      supports: [
        { nodes: "xSymmetry", ux: 0 },
        { nodes: "ySymmetry", uy: 0 },
        { nodes: "bottom", uz: 0 },
      ],
      loads: [{ kind: "traction", faces: "right", tractionPa: [input.tractionPa, 0, 0] }],
    },
    { onProgress },
  );
  const solution = solveAssembledElastic(system, { preconditioner: "amg", tolerance: 1e-9, onProgress });
  const result = recoverElastic(system, solution);
  const tol = 1e-9 * input.halfWidthM;
  const top = selectNodes(mesh, (x, y) => Math.abs(x) < tol && Math.abs(y - a) < tol);
  if (top.length === 0) throw new Error("the mesh has no node at the top of the hole");
  let peakPa = 0;
  for (const n of top) peakPa += result.nodalStressPa[6 * n] as number;
  peakPa /= top.length;
  const kt = peakPa / input.tractionPa;
  return {
    summary: {
      stressConcentrationFactor: kt,
      referenceStressConcentrationFactor: referenceStressConcentration(input),
      holeEdgeStressPa: peakPa,
      maxVonMisesPa: result.summary.maxVonMisesPa,
      maxDisplacementM: result.summary.maxDisplacementM,
      tractionPa: input.tractionPa,
      widthOverHoleRadius: input.halfWidthM / a,
      dofs: result.provenance.dofs,
      iterations: result.provenance.solver.iterations,
    },
    properties: [],
    provenance: { mesh: result.provenance.mesh, solver: result.provenance.solver },
  };
}

export const femPlateHoleComputation: Computation = { kind: "fem.plate-with-hole", run };
