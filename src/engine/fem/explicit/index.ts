/**
 * Explicit dynamics of Hex8 meshes (impact): central differences, one-point elements with
 * hourglass control, J2 plasticity, erosion, prescribed velocities and a rigid striker. SI units.
 */
export { solveExplicit } from "./explicit.solver";
export type {
  Axis,
  ExplicitHistory,
  ExplicitModel,
  ExplicitOptions,
  ExplicitResult,
  FailureCriterion,
  HourglassControl,
  PrescribedVelocity,
  RigidStriker,
} from "./explicit.types";
export { explicitMaterial, flowStressPa, radialReturn } from "./j2-plasticity.material";
export type { ExplicitMaterial, ExplicitMaterialInput, HardeningLaw } from "./j2-plasticity.material";
export { maxPrincipal, vonMisesOf } from "./principal-strain";
export { solvePlateImpact } from "./impact.problem";
export type { PlateImpactResult, PlateImpactSpec, PlateImpactSummary } from "./impact.problem";
