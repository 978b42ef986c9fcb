/**
 * Finite-element engine for the continuum scale: linear elasticity and heat conduction.
 * SI units throughout (m, N, Pa, J, K, W, s). Pure computation: meshes and .msh texts in,
 * fields, summaries and VTU text out.
 */
export * from "./fem.errors";
export { ELASTIC_ELEMENTS, ELASTIC_ELEMENT_NAMES, isElasticElementName } from "./elements/formulations";
export type { ElasticElementName, ElasticFormulation } from "./elements/elastic.formulation";
export { SOLID_SHAPES, FACE_SHAPES } from "./elements/index";
export type { SolidShapeName, FaceShapeName } from "./elements/shape.types";
export * from "./materials/index";
export type { FaceSet, Mesh } from "./mesh/mesh.types";
export { boxMesh, cantileverMesh, plateMesh, structuredMesh } from "./mesh/structured.mesh";
export { plateWithHoleMesh } from "./mesh/plate-hole.mesh";
export { readGmshMsh41 } from "./mesh/gmsh-msh41.reader";
export { boundaryFaces, filterFaces, meshVolume, nodesOfFaces, selectNodes, withSets } from "./mesh/mesh.ops";
export {
  assembleElastic,
  fixed,
  recoverElastic,
  solveAssembledElastic,
  solveElastic,
} from "./physics/elasticity.problem";
export type {
  AssembledElasticSystem,
  DisplacementSupport,
  ElasticLoad,
  ElasticModel,
  ElasticResult,
} from "./physics/elasticity.problem";
export {
  assembleHeat,
  effectiveConductivity,
  solveHeatSystem,
  solveSteadyHeat,
  solveTransientHeat,
} from "./physics/heat.problem";
export type { HeatModel, HeatResult, TransientHeatOptions, TransientHeatResult } from "./physics/heat.problem";
export type { SolverOptions } from "./physics/linear-solve";
export { faceArea } from "./physics/selectors";
export { PRECONDITIONERS, isPreconditionerName } from "./solvers/index";
export type { PreconditionerName } from "./solvers/index";
export { amgPreconditioner } from "./solvers/amg.preconditioner";
export type { AmgHierarchy, AmgOptions } from "./solvers/amg.preconditioner";
export type { CancellationToken, PcgReport, ProgressEvent } from "./solvers/pcg.solver";
export { principalStresses, vonMises } from "./results/stress-measures";
export { toVtu } from "./results/vtu.writer";
export type { VtuField } from "./results/vtu.writer";
export { solveCantilever, timoshenkoTipDeflectionM, SHAPE_OF_ELEMENT } from "./problems/cantilever.problem";
export type { CantileverSpec, CantileverResult } from "./problems/cantilever.problem";
export { solveHeatCube } from "./problems/heat-cube.problem";
export type { HeatCubeSpec, HeatCubeResult } from "./problems/heat-cube.problem";
export * from "./explicit/index";
