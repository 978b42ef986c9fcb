import { SOLID_SHAPES } from "../elements/index";
import { shapeGradients } from "../elements/kinematics";
import { nodalRule, tabulate } from "../elements/shape.types";
import { CancelledError, ElementDistortionError, FemModelError, SingularModelError } from "../fem.errors";
import type { ThermalMaterial } from "../materials/thermal.material";
import type { Mesh } from "../mesh/mesh.types";
import {
  addElementMatrix,
  addScaled,
  csrFromGraph,
  multiply,
  nodeGraph,
  type CsrMatrix,
  type NodeGraph,
} from "../solvers/csr.matrix";
import type { PcgReport } from "../solvers/pcg.solver";
import { elementMatrixCache } from "./element-matrix.cache";
import { eliminateDirichlet, liftRightHandSide, reactions, type DirichletElimination } from "./dirichlet";
import { buildPreconditioner, solveLinear, type SolverOptions } from "./linear-solve";
import {
  forEachFacePoint,
  resolveFaces,
  resolveNodes,
  type FaceSelector,
  type NodeSelector,
  type Vec3,
} from "./selectors";

/**
 * Heat conduction, −∇·(k∇T) + ρc ∂T/∂t = Q. Units: K, W, m, s; k in W/(m·K), Q in W/m³,
 * fluxes in W/m² (positive into the body), convection h in W/(m²·K) towards an ambient
 * temperature. Steady: K T = f. Transient by backward Euler:
 * (M/Δt + K) Tⁿ⁺¹ = M/Δt Tⁿ + f with the consistent capacity matrix M = ∫ ρc NᵀN dV.
 */
export interface HeatModel {
  readonly mesh: Mesh;
  readonly material: ThermalMaterial;
  readonly fixedTemperatures?: readonly { readonly nodes: NodeSelector; readonly temperatureK: number }[];
  readonly fluxes?: readonly { readonly faces: FaceSelector; readonly fluxWPerM2: number }[];
  readonly convection?: readonly {
    readonly faces: FaceSelector;
    readonly coefficientWPerM2K: number;
    readonly ambientK: number;
  }[];
  readonly heatSourceWPerM3?: number;
}

export interface AssembledHeatSystem {
  readonly model: HeatModel;
  readonly graph: NodeGraph;
  /** Conductivity plus convection matrix, before boundary elimination. */
  readonly conductivity: CsrMatrix;
  readonly capacity: CsrMatrix | null;
  readonly load: Float64Array;
  readonly constrained: Uint8Array;
  readonly values: Float64Array;
}

export interface HeatAssemblyOptions extends Pick<SolverOptions, "onProgress" | "signal"> {
  /** Reuse element arrays of congruent elements (see element-matrix.cache.ts); default true. */
  readonly reuseCongruentElements?: boolean;
}

export function assembleHeat(
  model: HeatModel,
  withCapacity: boolean,
  options: HeatAssemblyOptions = {},
): AssembledHeatSystem {
  const { mesh, material } = model;
  const shape = SOLID_SHAPES[mesh.shape];
  const npe = shape.nodeCount;
  const graph = nodeGraph(mesh.nodeCount, mesh.connectivity, npe);
  const K = csrFromGraph(graph, 1);
  const M = withCapacity ? csrFromGraph(graph, 1) : null;
  const f = new Float64Array(mesh.nodeCount);
  const stiff = tabulate(shape, shape.stiffnessRule);
  const mass = tabulate(shape, shape.massRule);
  const grads = new Float64Array(3 * npe);
  const xe = new Float64Array(3 * npe);
  const slots = new Int32Array(npe * npe);
  const k = material.conductivityWPerMK;
  const rhoC = material.densityKgM3 * material.heatCapacityJPerKgK;
  const Q = model.heatSourceWPerM3 ?? 0;
  if (withCapacity && !(rhoC > 0))
    throw new FemModelError("transient conduction needs positive density and heat capacity");
  const reportEvery = Math.max(1, Math.floor(mesh.elementCount / 20));
  // Element arrays in one buffer [Ke | Me | ∫N dV], so congruent elements reuse all three.
  const nn = npe * npe;
  const element = new Float64Array(2 * nn + npe);
  const Ke = element.subarray(0, nn);
  const Me = element.subarray(nn, 2 * nn);
  const Ne = element.subarray(2 * nn);
  const needMass = M !== null || Q !== 0;
  const cache = options.reuseCongruentElements !== false ? elementMatrixCache() : null;
  const integrate = (): number => {
    let minDet = Infinity;
    Ke.fill(0);
    for (let g = 0; g < stiff.rule.count; g++) {
      const det = shapeGradients(stiff, g, xe, grads);
      minDet = Math.min(minDet, det);
      const c = det * (stiff.rule.weights[g] as number) * k;
      for (let a = 0; a < npe; a++) {
        const ax = (grads[3 * a] as number) * c,
          ay = (grads[3 * a + 1] as number) * c,
          az = (grads[3 * a + 2] as number) * c;
        for (let b = a; b < npe; b++)
          Ke[a * npe + b] =
            (Ke[a * npe + b] as number) +
            ax * (grads[3 * b] as number) +
            ay * (grads[3 * b + 1] as number) +
            az * (grads[3 * b + 2] as number);
      }
    }
    for (let a = 0; a < npe; a++) for (let b = a + 1; b < npe; b++) Ke[b * npe + a] = Ke[a * npe + b] as number;
    if (needMass) {
      Me.fill(0);
      Ne.fill(0);
      for (let g = 0; g < mass.rule.count; g++) {
        const det = shapeGradients(mass, g, xe, grads);
        const c = det * (mass.rule.weights[g] as number);
        for (let a = 0; a < npe; a++) {
          const na = (mass.N[g * npe + a] as number) * c;
          Ne[a] = (Ne[a] as number) + na;
          for (let b = 0; b < npe; b++)
            Me[a * npe + b] = (Me[a * npe + b] as number) + na * (mass.N[g * npe + b] as number) * rhoC;
        }
      }
    }
    return minDet;
  };
  for (let e = 0; e < mesh.elementCount; e++) {
    const nodes = mesh.connectivity.subarray(e * npe, e * npe + npe);
    for (let a = 0; a < npe; a++)
      for (let i = 0; i < 3; i++) xe[3 * a + i] = mesh.coordinates[3 * (nodes[a] as number) + i] as number;
    const cached = cache?.lookup(xe);
    let minDet: number;
    let arrays: Float64Array = element;
    if (cached) {
      arrays = cached.matrix;
      minDet = cached.minDet;
    } else {
      minDet = integrate();
      cache?.store(xe, element, minDet);
    }
    if (!(minDet > 0)) throw new ElementDistortionError(e, minDet);
    addElementMatrix(K, graph, 1, nodes, arrays.subarray(0, nn), slots);
    if (Q !== 0) for (let a = 0; a < npe; a++) f[nodes[a] as number]! += (arrays[2 * nn + a] as number) * Q;
    if (M) addElementMatrix(M, graph, 1, nodes, arrays.subarray(nn, 2 * nn), slots);
    if (e % reportEvery === 0) {
      if (options.signal?.aborted) throw new CancelledError("assembly");
      options.onProgress?.({ stage: "assembly", fraction: e / mesh.elementCount });
    }
  }
  for (const q of model.fluxes ?? [])
    forEachFacePoint(mesh, resolveFaces(mesh, q.faces), (nodes, table, g, dA) => {
      for (let a = 0; a < nodes.length; a++)
        f[nodes[a] as number]! += (table.N[g * nodes.length + a] as number) * dA * q.fluxWPerM2;
    });
  for (const h of model.convection ?? []) {
    const faces = resolveFaces(mesh, h.faces);
    const npf =
      faces.connectivity.length > 0
        ? faces.shape === "quad4"
          ? 4
          : faces.shape === "quad8"
            ? 8
            : faces.shape === "tri3"
              ? 3
              : 6
        : 0;
    const He = new Float64Array(npf * npf);
    const fslots = new Int32Array(npf * npf);
    let current = -1;
    let currentNodes: Int32Array | null = null;
    const flush = (): void => {
      if (currentNodes) addElementMatrix(K, graph, 1, currentNodes, He, fslots);
    };
    let faceIndex = 0;
    forEachFacePoint(mesh, faces, (nodes, table, g, dA) => {
      if (g === 0) {
        if (current >= 0) flush();
        current = faceIndex++;
        currentNodes = nodes;
        He.fill(0);
      }
      for (let a = 0; a < npf; a++) {
        const na = (table.N[g * npf + a] as number) * dA * h.coefficientWPerM2K;
        f[nodes[a] as number]! += na * h.ambientK;
        for (let b = 0; b < npf; b++)
          He[a * npf + b] = (He[a * npf + b] as number) + na * (table.N[g * npf + b] as number);
      }
    });
    if (current >= 0) flush();
  }
  const constrained = new Uint8Array(mesh.nodeCount);
  const values = new Float64Array(mesh.nodeCount);
  for (const t of model.fixedTemperatures ?? [])
    for (const n of resolveNodes(mesh, t.nodes)) {
      constrained[n] = 1;
      values[n] = t.temperatureK;
    }
  return { model, graph, conductivity: K, capacity: M, load: f, constrained, values };
}

export interface HeatResult {
  readonly temperatureK: Float64Array;
  /** Heat flux q = −k∇T, 3 per node (element-averaged), W/m². */
  readonly nodalFluxWPerM2: Float64Array;
  /** 3 per Gauss point, element-major (W/m²). */
  readonly gaussFluxWPerM2: Float64Array;
  /** Heat supplied to the body at fixed-temperature nodes (W, positive into the body), zero elsewhere. */
  readonly reactionHeatW: Float64Array;
  readonly summary: {
    readonly minTemperatureK: number;
    readonly maxTemperatureK: number;
    readonly maxFluxWPerM2: number;
  };
  readonly provenance: {
    readonly mesh: { readonly shape: string; readonly nodes: number; readonly elements: number };
    readonly dofs: number;
    readonly solver: PcgReport;
  };
}

/** Steady conduction: K T = f. */
export function solveSteadyHeat(model: HeatModel, options: SolverOptions = {}): HeatResult {
  const system = assembleHeat(model, false, options);
  const hasConvection = (model.convection ?? []).some((c) => c.coefficientWPerM2K > 0);
  if (!system.constrained.some((v) => v === 1) && !hasConvection)
    throw new SingularModelError(
      "steady conduction needs a fixed temperature or a convection boundary: the temperature level is undetermined",
    );
  return solveHeatSystem(system, options).result;
}

export function solveHeatSystem(
  system: AssembledHeatSystem,
  options: SolverOptions = {},
): { result: HeatResult; elimination: DirichletElimination } {
  const A: CsrMatrix = { ...system.conductivity, val: Float64Array.from(system.conductivity.val) };
  const b = Float64Array.from(system.load);
  const elimination = eliminateDirichlet(A, system.constrained, system.values);
  liftRightHandSide(elimination, b);
  const T = new Float64Array(A.rows);
  const solver = solveLinear(A, b, T, options, {
    blockSize: 1,
    nearNullSpace: [new Float64Array(A.rows).fill(1)],
    constrained: system.constrained,
  });
  return { result: heatResult(system, T, solver, reactions(elimination, T, system.load)), elimination };
}

export interface TransientHeatOptions extends SolverOptions {
  readonly initialTemperatureK: number | Float64Array;
  readonly timeStepS: number;
  readonly steps: number;
  /** Steps between stored snapshots (default: only the last). */
  readonly outputEvery?: number;
}

export interface TransientHeatResult {
  readonly timesS: number[];
  readonly temperaturesK: Float64Array[];
  readonly final: HeatResult;
  readonly totalIterations: number;
}

export function solveTransientHeat(model: HeatModel, options: TransientHeatOptions): TransientHeatResult {
  if (!(options.timeStepS > 0) || !Number.isInteger(options.steps) || options.steps < 1)
    throw new FemModelError("need a positive time step and a positive integer number of steps");
  const system = assembleHeat(model, true, options);
  const M = system.capacity as CsrMatrix;
  const dt = options.timeStepS;
  const A = addScaled(system.conductivity, M, 1 / dt);
  const elimination = eliminateDirichlet(A, system.constrained, system.values);
  const n = A.rows;
  let T =
    typeof options.initialTemperatureK === "number"
      ? new Float64Array(n).fill(options.initialTemperatureK)
      : Float64Array.from(options.initialTemperatureK);
  if (T.length !== n) throw new FemModelError("initial temperature needs one value per node");
  for (let i = 0; i < n; i++) if (system.constrained[i]) T[i] = system.values[i] as number;
  const b = new Float64Array(n);
  const timesS: number[] = [];
  const temperaturesK: Float64Array[] = [];
  const every = options.outputEvery ?? options.steps;
  let totalIterations = 0;
  let last: PcgReport | null = null;
  const { onProgress, ...solverOptions } = options;
  const context = { blockSize: 1, nearNullSpace: [new Float64Array(n).fill(1)], constrained: system.constrained };
  // A is the same every step: one preconditioner serves them all.
  const preconditioner = buildPreconditioner(A, solverOptions, context);
  for (let step = 1; step <= options.steps; step++) {
    if (options.signal?.aborted) throw new CancelledError("time stepping");
    multiply(M, T, b);
    for (let i = 0; i < n; i++) b[i] = (b[i] as number) / dt + (system.load[i] as number);
    liftRightHandSide(elimination, b);
    const next = Float64Array.from(T);
    last = solveLinear(A, b, next, solverOptions, context, preconditioner);
    totalIterations += last.iterations;
    T = next;
    if (step % every === 0 || step === options.steps) {
      timesS.push(step * dt);
      temperaturesK.push(Float64Array.from(T));
    }
    onProgress?.({ stage: "step", iteration: step, fraction: step / options.steps });
  }
  const steady = heatResult(system, T, last as PcgReport, new Float64Array(n));
  return { timesS, temperaturesK, final: steady, totalIterations };
}

function heatResult(
  system: AssembledHeatSystem,
  T: Float64Array,
  solver: PcgReport,
  reaction: Float64Array,
): HeatResult {
  const { mesh, material } = system.model;
  const shape = SOLID_SHAPES[mesh.shape];
  const npe = shape.nodeCount;
  const gauss = tabulate(shape, shape.stiffnessRule);
  const nodal = tabulate(shape, nodalRule(shape));
  const grads = new Float64Array(3 * npe);
  const xe = new Float64Array(3 * npe);
  const gaussFlux = new Float64Array(3 * gauss.rule.count * mesh.elementCount);
  const nodalFlux = new Float64Array(3 * mesh.nodeCount);
  const counts = new Float64Array(mesh.nodeCount);
  const k = material.conductivityWPerMK;
  const fluxAt = (
    table: typeof gauss,
    p: number,
    nodes: Int32Array,
    out: Float64Array,
    o: number,
    accumulate: boolean,
  ): void => {
    shapeGradients(table, p, xe, grads);
    const q: Vec3 = [0, 0, 0];
    const qq = q as unknown as number[];
    for (let a = 0; a < npe; a++)
      for (let i = 0; i < 3; i++) qq[i]! -= k * (grads[3 * a + i] as number) * (T[nodes[a] as number] as number);
    for (let i = 0; i < 3; i++) out[o + i] = (accumulate ? (out[o + i] as number) : 0) + (qq[i] as number);
  };
  for (let e = 0; e < mesh.elementCount; e++) {
    const nodes = mesh.connectivity.subarray(e * npe, e * npe + npe);
    for (let a = 0; a < npe; a++)
      for (let i = 0; i < 3; i++) xe[3 * a + i] = mesh.coordinates[3 * (nodes[a] as number) + i] as number;
    for (let g = 0; g < gauss.rule.count; g++)
      fluxAt(gauss, g, nodes, gaussFlux, 3 * (e * gauss.rule.count + g), false);
    for (let a = 0; a < npe; a++) {
      fluxAt(nodal, a, nodes, nodalFlux, 3 * (nodes[a] as number), true);
      counts[nodes[a] as number] = (counts[nodes[a] as number] as number) + 1;
    }
  }
  let maxFlux = 0;
  let minT = Infinity;
  let maxT = -Infinity;
  for (let n = 0; n < mesh.nodeCount; n++) {
    const c = counts[n] as number;
    if (c > 0) for (let i = 0; i < 3; i++) nodalFlux[3 * n + i] = (nodalFlux[3 * n + i] as number) / c;
    maxFlux = Math.max(
      maxFlux,
      Math.hypot(nodalFlux[3 * n] as number, nodalFlux[3 * n + 1] as number, nodalFlux[3 * n + 2] as number),
    );
    minT = Math.min(minT, T[n] as number);
    maxT = Math.max(maxT, T[n] as number);
  }
  return {
    temperatureK: T,
    nodalFluxWPerM2: nodalFlux,
    gaussFluxWPerM2: gaussFlux,
    reactionHeatW: reaction,
    summary: { minTemperatureK: minT, maxTemperatureK: maxT, maxFluxWPerM2: maxFlux },
    provenance: {
      mesh: { shape: mesh.shape, nodes: mesh.nodeCount, elements: mesh.elementCount },
      dofs: mesh.nodeCount,
      solver,
    },
  };
}

/**
 * Effective conductivity (W/(m·K)) of a slab between two fixed-temperature faces:
 * k_eff = (Q/A)·L/ΔT, with Q the heat entering through the hot face's nodes.
 */
export function effectiveConductivity(
  result: HeatResult,
  hotNodes: Int32Array,
  areaM2: number,
  lengthM: number,
  deltaTK: number,
): number {
  let Q = 0;
  for (const n of hotNodes) Q += result.reactionHeatW[n] as number;
  return ((Q / areaM2) * lengthM) / deltaTK;
}
