import { ELASTIC_ELEMENTS } from "../elements/formulations";
import type { ElasticElementName } from "../elements/elastic.formulation";
import { shapeGradients as shapeGradientsDet } from "../elements/kinematics";
import { tabulate } from "../elements/shape.types";
import { CancelledError, ElementDistortionError, FemModelError, SingularModelError } from "../fem.errors";
import type { ElasticMaterial } from "../materials/elastic.types";
import type { Mesh } from "../mesh/mesh.types";
import { principalStresses, vonMises } from "../results/stress-measures";
import { addElementMatrix, csrFromGraph, nodeGraph, type CsrMatrix } from "../solvers/csr.matrix";
import type { PcgReport } from "../solvers/pcg.solver";
import { elementMatrixCache } from "./element-matrix.cache";
import { eliminateDirichlet, liftRightHandSide, reactions, type DirichletElimination } from "./dirichlet";
import { solveLinear, type SolverOptions } from "./linear-solve";
import { rigidBodyModes, restraintConditioning } from "./rigid-modes";
import {
  forEachFacePoint,
  resolveFaces,
  resolveNodes,
  type FaceSelector,
  type NodeSelector,
  type Vec3,
} from "./selectors";

/**
 * Static linear elasticity, K u = f. Units: m, N, Pa, J; temperature changes in K.
 * Supports fix or prescribe displacement components; loads are nodal forces (N per
 * node), surface tractions (Pa), pressures (Pa, acting against the outward normal) and
 * body forces (N/m³). A nodal temperature change ΔT adds the thermal strain α ΔT.
 */
export interface DisplacementSupport {
  readonly nodes: NodeSelector;
  /** Prescribed displacement (m) per component; omitted components are free. */
  readonly ux?: number;
  readonly uy?: number;
  readonly uz?: number;
}

export type ElasticLoad =
  | { readonly kind: "nodal"; readonly nodes: NodeSelector; readonly forceN: Vec3 }
  | { readonly kind: "traction"; readonly faces: FaceSelector; readonly tractionPa: Vec3 }
  | { readonly kind: "pressure"; readonly faces: FaceSelector; readonly pressurePa: number }
  | { readonly kind: "body"; readonly forcePerVolumeNPerM3: Vec3 };

export interface ElasticModel {
  readonly mesh: Mesh;
  /** Element formulation; defaults to the mesh's shape (standard integration). */
  readonly element?: ElasticElementName;
  readonly material: ElasticMaterial;
  readonly supports: readonly DisplacementSupport[];
  readonly loads?: readonly ElasticLoad[];
  /** Nodal temperature change from the stress-free state (K), for thermal strain. */
  readonly temperatureChangeK?: Float64Array;
}

export interface AssemblyOptions extends Pick<SolverOptions, "onProgress" | "signal"> {
  /**
   * Reuse the stiffness of congruent elements (same node offsets, e.g. a structured
   * mesh) instead of integrating each one; default true. Thermal loads always integrate.
   */
  readonly reuseCongruentElements?: boolean;
}

export function fixed(nodes: NodeSelector): DisplacementSupport {
  return { nodes, ux: 0, uy: 0, uz: 0 };
}

export interface AssembledElasticSystem {
  readonly model: ElasticModel;
  readonly element: ElasticElementName;
  readonly matrix: CsrMatrix;
  readonly rhs: Float64Array;
  readonly loadVector: Float64Array;
  readonly elimination: DirichletElimination;
  readonly dofs: number;
}

export type ElasticSolveOptions = SolverOptions;

export function assembleElastic(model: ElasticModel, options: AssemblyOptions = {}): AssembledElasticSystem {
  const { mesh, material } = model;
  const element = model.element ?? mesh.shape;
  const factory = ELASTIC_ELEMENTS[element];
  if (!factory) throw new FemModelError(`unknown element "${String(element)}"`);
  const form = factory();
  if (form.shape.name !== mesh.shape)
    throw new FemModelError(`element ${element} needs a ${form.shape.name} mesh, the mesh has ${mesh.shape} elements`);
  if (model.temperatureChangeK && model.temperatureChangeK.length !== mesh.nodeCount)
    throw new FemModelError("temperatureChangeK needs one value per node");
  const npe = form.shape.nodeCount;
  const ndof = 3 * npe;
  const graph = nodeGraph(mesh.nodeCount, mesh.connectivity, npe);
  const K = csrFromGraph(graph, 3);
  const f = new Float64Array(3 * mesh.nodeCount);
  const xe = new Float64Array(3 * npe);
  const Ke = new Float64Array(ndof * ndof);
  const fe = new Float64Array(ndof);
  const alphaDT = model.temperatureChangeK ? new Float64Array(npe) : null;
  const slots = new Int32Array(npe * npe);
  const D = material.stiffnessPa;
  const cache = options.reuseCongruentElements !== false && !alphaDT ? elementMatrixCache() : null;
  const reportEvery = Math.max(1, Math.floor(mesh.elementCount / 20));
  for (let e = 0; e < mesh.elementCount; e++) {
    const nodes = mesh.connectivity.subarray(e * npe, e * npe + npe);
    for (let a = 0; a < npe; a++) {
      const n = nodes[a] as number;
      xe[3 * a] = mesh.coordinates[3 * n] as number;
      xe[3 * a + 1] = mesh.coordinates[3 * n + 1] as number;
      xe[3 * a + 2] = mesh.coordinates[3 * n + 2] as number;
      if (alphaDT) alphaDT[a] = material.thermalExpansionPerK * (model.temperatureChangeK![n] as number);
    }
    const cached = cache?.lookup(xe);
    let minDet: number;
    let matrix: Float64Array = Ke;
    if (cached) {
      matrix = cached.matrix;
      minDet = cached.minDet;
    } else {
      minDet = form.stiffness(xe, D, Ke, alphaDT, alphaDT ? fe : null);
      cache?.store(xe, Ke, minDet);
    }
    if (!(minDet > 0)) throw new ElementDistortionError(e, minDet);
    addElementMatrix(K, graph, 3, nodes, matrix, slots);
    if (alphaDT)
      for (let a = 0; a < npe; a++)
        for (let i = 0; i < 3; i++) f[3 * (nodes[a] as number) + i]! += fe[3 * a + i] as number;
    if (e % reportEvery === 0) {
      if (options.signal?.aborted) throw new CancelledError("assembly");
      options.onProgress?.({ stage: "assembly", fraction: e / mesh.elementCount });
    }
  }
  addLoads(model, f);

  const constrained = new Uint8Array(3 * mesh.nodeCount);
  const values = new Float64Array(3 * mesh.nodeCount);
  for (const s of model.supports) {
    const comps = [s.ux, s.uy, s.uz];
    for (const n of resolveNodes(mesh, s.nodes))
      comps.forEach((v, i) => {
        if (v === undefined) return;
        if (!Number.isFinite(v)) throw new FemModelError(`prescribed displacement must be finite, got ${v}`);
        constrained[3 * n + i] = 1;
        values[3 * n + i] = v;
      });
  }
  if (restraintConditioning(rigidBodyModes(mesh.coordinates), constrained) < 1e-10)
    throw new SingularModelError(
      "the supports do not restrain all rigid-body motions (3 translations, 3 rotations): the stiffness matrix is singular",
    );
  const loadVector = Float64Array.from(f);
  const elimination = eliminateDirichlet(K, constrained, values);
  liftRightHandSide(elimination, f);
  return { model, element, matrix: K, rhs: f, loadVector, elimination, dofs: 3 * mesh.nodeCount };
}

function addLoads(model: ElasticModel, f: Float64Array): void {
  const { mesh } = model;
  for (const load of model.loads ?? []) {
    switch (load.kind) {
      case "nodal":
        for (const n of resolveNodes(mesh, load.nodes))
          for (let i = 0; i < 3; i++) f[3 * n + i]! += load.forceN[i] as number;
        break;
      case "traction":
        forEachFacePoint(mesh, resolveFaces(mesh, load.faces), (nodes, table, g, dA) => {
          for (let a = 0; a < nodes.length; a++) {
            const w = (table.N[g * nodes.length + a] as number) * dA;
            for (let i = 0; i < 3; i++) f[3 * (nodes[a] as number) + i]! += w * (load.tractionPa[i] as number);
          }
        });
        break;
      case "pressure":
        forEachFacePoint(mesh, resolveFaces(mesh, load.faces), (nodes, table, g, dA, normal) => {
          for (let a = 0; a < nodes.length; a++) {
            const w = (table.N[g * nodes.length + a] as number) * dA * load.pressurePa;
            for (let i = 0; i < 3; i++) f[3 * (nodes[a] as number) + i]! -= w * (normal[i] as number);
          }
        });
        break;
      case "body": {
        const shape = ELASTIC_ELEMENTS[model.element ?? mesh.shape]().shape;
        const table = tabulate(shape, shape.massRule);
        const npe = shape.nodeCount;
        const grads = new Float64Array(3 * npe);
        const xe = new Float64Array(3 * npe);
        for (let e = 0; e < mesh.elementCount; e++) {
          const nodes = mesh.connectivity.subarray(e * npe, e * npe + npe);
          for (let a = 0; a < npe; a++)
            for (let i = 0; i < 3; i++) xe[3 * a + i] = mesh.coordinates[3 * (nodes[a] as number) + i] as number;
          for (let g = 0; g < table.rule.count; g++) {
            const det = shapeGradientsDet(table, g, xe, grads);
            const c = det * (table.rule.weights[g] as number);
            for (let a = 0; a < npe; a++)
              for (let i = 0; i < 3; i++)
                f[3 * (nodes[a] as number) + i]! +=
                  (table.N[g * npe + a] as number) * c * (load.forcePerVolumeNPerM3[i] as number);
          }
        }
        break;
      }
    }
  }
}

export interface ElasticSolution {
  readonly displacementM: Float64Array;
  readonly solver: PcgReport;
}

export function solveAssembledElastic(
  system: AssembledElasticSystem,
  options: ElasticSolveOptions = {},
): ElasticSolution {
  const x = new Float64Array(system.dofs);
  const solver = solveLinear(system.matrix, system.rhs, x, options, {
    blockSize: 3,
    nearNullSpace: rigidBodyModes(system.model.mesh.coordinates),
    constrained: system.elimination.constrained,
  });
  return { displacementM: x, solver };
}

export interface ElasticResult {
  readonly displacementM: Float64Array;
  readonly gaussPointsPerElement: number;
  /** 6 Voigt components per Gauss point, element-major (Pa). */
  readonly gaussStressPa: Float64Array;
  /** Element-averaged nodal stresses, 6 per node (Pa). */
  readonly nodalStressPa: Float64Array;
  readonly vonMisesPa: Float64Array;
  /** σ1 ≥ σ2 ≥ σ3 per node (Pa). */
  readonly principalStressPa: Float64Array;
  readonly strainEnergyJ: number;
  /** Reaction forces at supported components (N), zero elsewhere. */
  readonly reactionForceN: Float64Array;
  readonly summary: {
    readonly maxDisplacementM: number;
    readonly maxVonMisesPa: number;
    readonly maxGaussVonMisesPa: number;
    readonly totalReactionN: Vec3;
  };
  readonly provenance: {
    readonly element: ElasticElementName;
    readonly material: string;
    readonly mesh: { readonly shape: string; readonly nodes: number; readonly elements: number };
    readonly dofs: number;
    readonly solver: PcgReport;
  };
}

export function recoverElastic(system: AssembledElasticSystem, solution: ElasticSolution): ElasticResult {
  const { model } = system;
  const { mesh, material } = model;
  const form = ELASTIC_ELEMENTS[system.element]();
  const npe = form.shape.nodeCount;
  const ngp = form.gaussPointCount;
  const u = solution.displacementM;
  const xe = new Float64Array(3 * npe);
  const ue = new Float64Array(3 * npe);
  const alphaDT = model.temperatureChangeK ? new Float64Array(npe) : null;
  const gaussStress = new Float64Array(6 * ngp * mesh.elementCount);
  const nodalSum = new Float64Array(6 * mesh.nodeCount);
  const counts = new Float64Array(mesh.nodeCount);
  const nodalEl = new Float64Array(6 * npe);
  let energy = 0;
  for (let e = 0; e < mesh.elementCount; e++) {
    const nodes = mesh.connectivity.subarray(e * npe, e * npe + npe);
    for (let a = 0; a < npe; a++) {
      const n = nodes[a] as number;
      for (let i = 0; i < 3; i++) {
        xe[3 * a + i] = mesh.coordinates[3 * n + i] as number;
        ue[3 * a + i] = u[3 * n + i] as number;
      }
      if (alphaDT) alphaDT[a] = material.thermalExpansionPerK * (model.temperatureChangeK![n] as number);
    }
    energy += form.recover(
      xe,
      material.stiffnessPa,
      ue,
      alphaDT,
      gaussStress.subarray(6 * ngp * e, 6 * ngp * (e + 1)),
      nodalEl,
    );
    for (let a = 0; a < npe; a++) {
      const n = nodes[a] as number;
      counts[n] = (counts[n] as number) + 1;
      for (let k = 0; k < 6; k++)
        nodalSum[6 * n + k] = (nodalSum[6 * n + k] as number) + (nodalEl[6 * a + k] as number);
    }
  }
  const vm = new Float64Array(mesh.nodeCount);
  const principal = new Float64Array(3 * mesh.nodeCount);
  let maxVm = 0;
  let maxDisp = 0;
  for (let n = 0; n < mesh.nodeCount; n++) {
    const c = counts[n] as number;
    if (c > 0) for (let k = 0; k < 6; k++) nodalSum[6 * n + k] = (nodalSum[6 * n + k] as number) / c;
    vm[n] = vonMises(nodalSum, 6 * n);
    principalStresses(nodalSum, 6 * n, principal, 3 * n);
    maxVm = Math.max(maxVm, vm[n] as number);
    maxDisp = Math.max(maxDisp, Math.hypot(u[3 * n] as number, u[3 * n + 1] as number, u[3 * n + 2] as number));
  }
  let maxGaussVm = 0;
  for (let g = 0; g < gaussStress.length / 6; g++) maxGaussVm = Math.max(maxGaussVm, vonMises(gaussStress, 6 * g));
  const R = reactions(system.elimination, u, system.loadVector);
  const total: [number, number, number] = [0, 0, 0];
  for (let n = 0; n < mesh.nodeCount; n++) for (let i = 0; i < 3; i++) total[i]! += R[3 * n + i] as number;
  return {
    displacementM: u,
    gaussPointsPerElement: ngp,
    gaussStressPa: gaussStress,
    nodalStressPa: nodalSum,
    vonMisesPa: vm,
    principalStressPa: principal,
    strainEnergyJ: energy,
    reactionForceN: R,
    summary: { maxDisplacementM: maxDisp, maxVonMisesPa: maxVm, maxGaussVonMisesPa: maxGaussVm, totalReactionN: total },
    provenance: {
      element: system.element,
      material: material.kind,
      mesh: { shape: mesh.shape, nodes: mesh.nodeCount, elements: mesh.elementCount },
      dofs: system.dofs,
      solver: solution.solver,
    },
  };
}

/** Assemble, solve and recover in one call. */
export function solveElastic(model: ElasticModel, options: ElasticSolveOptions = {}): ElasticResult {
  const system = assembleElastic(model, options);
  const solution = solveAssembledElastic(system, options);
  options.onProgress?.({ stage: "recovery" });
  return recoverElastic(system, solution);
}
