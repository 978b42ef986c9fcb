import { describe, expect, it } from "vitest";
import { isotropicElastic } from "../materials/index";
import { thermalMaterial } from "../materials/thermal.material";
import { boxMesh, cantileverMesh } from "../mesh/structured.mesh";
import { assembleElastic, fixed } from "../physics/elasticity.problem";
import { assembleHeat } from "../physics/heat.problem";
import { eliminateDirichlet, liftRightHandSide } from "../physics/dirichlet";
import { rigidBodyModes } from "../physics/rigid-modes";
import { aggregateNodes, strongNodeGraph } from "./aggregation";
import { amgPreconditioner } from "./amg.preconditioner";
import { csrFromGraph, multiply, nodeGraph, type CsrMatrix } from "./csr.matrix";
import { ic0Preconditioner } from "./ic0.preconditioner";
import { pcg } from "./pcg.solver";
import { galerkinProduct, multiplySparse, type RectangularCsr } from "./sparse-products";
import { tentativeProlongator } from "./tentative-prolongator";

const steel = isotropicElastic({ youngsModulusPa: 210e9, poissonRatio: 0.3 });
const b = 0.05;

function cantileverSystem(nx: number, n: number) {
  const mesh = cantileverMesh({ lengthM: 1, widthM: b, heightM: b, nx, ny: n, nz: n, shape: "hex8" });
  const system = assembleElastic({
    mesh,
    element: "hex8i",
    material: steel,
    supports: [fixed("fixed")],
    loads: [{ kind: "traction", faces: "tip", tractionPa: [0, 0, -1000 / (b * b)] }],
  });
  return {
    mesh,
    system,
    context: {
      blockSize: 3,
      nearNullSpace: rigidBodyModes(mesh.coordinates),
      constrained: system.elimination.constrained,
    },
  };
}

function tipDeflection(mesh: ReturnType<typeof cantileverMesh>, u: Float64Array): number {
  const tip = mesh.nodeSets.get("tip")!;
  let uz = 0;
  for (const node of tip) uz += u[3 * node + 2]!;
  return -uz / tip.length;
}

/** Conduction in a cube, hot face x = 0 and cold face x = L, eliminated. */
function heatSystem(n: number) {
  const mesh = boxMesh({ lengthM: 1, widthM: 1, heightM: 1, nx: n, ny: n, nz: n, shape: "hex8" });
  const system = assembleHeat(
    {
      mesh,
      material: thermalMaterial({ conductivityWPerMK: 50, densityKgM3: 1, heatCapacityJPerKgK: 1 }),
      fixedTemperatures: [
        { nodes: "xmin", temperatureK: 400 },
        { nodes: "xmax", temperatureK: 300 },
      ],
      convection: [{ faces: "ymin", coefficientWPerM2K: 100, ambientK: 293 }],
    },
    false,
  );
  const A: CsrMatrix = { ...system.conductivity, val: Float64Array.from(system.conductivity.val) };
  const rhs = Float64Array.from(system.load);
  const elimination = eliminateDirichlet(A, system.constrained, system.values);
  liftRightHandSide(elimination, rhs);
  return { A, rhs, constrained: system.constrained };
}

const dense = (M: RectangularCsr): number[][] => {
  const out = Array.from({ length: M.rows }, () => new Array<number>(M.cols).fill(0));
  for (let r = 0; r < M.rows; r++)
    for (let q = M.rowPtr[r]!; q < M.rowPtr[r + 1]!; q++) out[r]![M.col[q]!]! += M.val[q]!;
  return out;
};

describe("smoothed-aggregation AMG as a CG preconditioner", () => {
  it("solves the cantilever to the same tip deflection as IC(0), in far fewer iterations", () => {
    const { mesh, system, context } = cantileverSystem(60, 3);
    const xAmg = new Float64Array(system.dofs);
    const xIc = new Float64Array(system.dofs);
    // A small coarse limit forces a real hierarchy on this small beam.
    const amg = pcg(
      system.matrix,
      system.rhs,
      xAmg,
      amgPreconditioner(system.matrix, { ...context, maxCoarseSize: 60 }),
      { tolerance: 1e-10 },
    );
    const ic = pcg(system.matrix, system.rhs, xIc, ic0Preconditioner(system.matrix), { tolerance: 1e-10 });
    expect(Math.abs(tipDeflection(mesh, xAmg) / tipDeflection(mesh, xIc) - 1)).toBeLessThan(1e-7);
    expect(amg.iterations).toBeLessThan(ic.iterations / 4);
  });

  it("iterations grow slowly under refinement (elasticity, two meshes 2× apart)", () => {
    const counts = [
      [40, 2],
      [80, 4],
    ].map(([nx, n]) => {
      const { system, context } = cantileverSystem(nx!, n!);
      const M = amgPreconditioner(system.matrix, { ...context, maxCoarseSize: 60 });
      expect(M.hierarchy.levelRows.length).toBeGreaterThanOrEqual(3);
      return pcg(system.matrix, system.rhs, new Float64Array(system.dofs), M, { tolerance: 1e-8 }).iterations;
    });
    expect(counts[1]! / counts[0]!).toBeLessThan(1.5);
  });

  it("iterations grow slowly under refinement (conduction, scalar near-null space)", () => {
    const results = [8, 16].map((n) => {
      const { A, rhs, constrained } = heatSystem(n);
      const M = amgPreconditioner(A, { constrained, maxCoarseSize: 8 });
      expect(M.hierarchy.levelRows.length).toBeGreaterThanOrEqual(3);
      const x = new Float64Array(A.rows);
      const report = pcg(A, rhs, x, M, { tolerance: 1e-10 });
      const xIc = new Float64Array(A.rows);
      pcg(A, rhs, xIc, ic0Preconditioner(A), { tolerance: 1e-12 });
      for (let i = 0; i < A.rows; i++) expect(Math.abs(x[i]! - xIc[i]!)).toBeLessThan(1e-6);
      return report.iterations;
    });
    expect(results[1]! / results[0]!).toBeLessThan(1.5);
  });

  it("passes the patch test: a linear field prescribed on the boundary of a distorted block is reproduced", () => {
    const box = boxMesh({ lengthM: 1, widthM: 1, heightM: 1, nx: 6, ny: 6, nz: 6, shape: "hex8" });
    const coordinates = Float64Array.from(box.coordinates);
    // Interior nodes move by a smooth non-affine field; the boundary stays flat.
    for (let n = 0; n < box.nodeCount; n++) {
      const [x, y, z] = [coordinates[3 * n]!, coordinates[3 * n + 1]!, coordinates[3 * n + 2]!];
      const bubble = x * (1 - x) * y * (1 - y) * z * (1 - z);
      coordinates[3 * n] = x + 1.5 * bubble * Math.sin(9 * y);
      coordinates[3 * n + 1] = y + 1.5 * bubble * Math.cos(7 * z);
      coordinates[3 * n + 2] = z + 1.5 * bubble * Math.sin(5 * x);
    }
    const mesh = { ...box, coordinates };
    const field = (p: readonly number[], i: number): number =>
      [1e-3 * p[0]! + 2e-4 * p[1]!, -5e-4 * p[1]! + 3e-4 * p[2]!, 7e-4 * p[2]! - 1e-4 * p[0]!][i]!;
    const boundary: number[] = [];
    for (let n = 0; n < mesh.nodeCount; n++)
      if ([0, 1, 2].some((i) => coordinates[3 * n + i]! < 1e-12 || coordinates[3 * n + i]! > 1 - 1e-12))
        boundary.push(n);
    const supports = boundary.map((n) => {
      const p = [coordinates[3 * n]!, coordinates[3 * n + 1]!, coordinates[3 * n + 2]!];
      return { nodes: Int32Array.of(n), ux: field(p, 0), uy: field(p, 1), uz: field(p, 2) };
    });
    const system = assembleElastic({ mesh, element: "hex8i", material: steel, supports });
    const M = amgPreconditioner(system.matrix, {
      blockSize: 3,
      nearNullSpace: rigidBodyModes(coordinates),
      constrained: system.elimination.constrained,
      maxCoarseSize: 20,
    });
    expect(M.hierarchy.levelRows.length).toBeGreaterThanOrEqual(2);
    const u = new Float64Array(system.dofs);
    pcg(system.matrix, system.rhs, u, M, { tolerance: 1e-13 });
    let worst = 0;
    for (let n = 0; n < mesh.nodeCount; n++)
      for (let i = 0; i < 3; i++)
        worst = Math.max(
          worst,
          Math.abs(u[3 * n + i]! - field([coordinates[3 * n]!, coordinates[3 * n + 1]!, coordinates[3 * n + 2]!], i)),
        );
    expect(worst).toBeLessThan(1e-12);
  });

  it("the V-cycle is a symmetric operator (needed by CG)", () => {
    const { system, context } = cantileverSystem(40, 2);
    const M = amgPreconditioner(system.matrix, { ...context, maxCoarseSize: 60 });
    const n = system.dofs;
    const u = Float64Array.from({ length: n }, (_, i) => Math.sin(0.7 * i));
    const v = Float64Array.from({ length: n }, (_, i) => Math.cos(1.3 * i + 0.2));
    const Mu = new Float64Array(n);
    const Mv = new Float64Array(n);
    M.apply(u, Mu);
    M.apply(v, Mv);
    let vMu = 0;
    let uMv = 0;
    for (let i = 0; i < n; i++) {
      vMu += v[i]! * Mu[i]!;
      uMv += u[i]! * Mv[i]!;
    }
    expect(Math.abs(vMu - uMv)).toBeLessThan(1e-10 * Math.abs(vMu));
  });

  it("rejects near-null-space vectors of the wrong length", () => {
    const { system } = cantileverSystem(20, 1);
    expect(() => amgPreconditioner(system.matrix, { blockSize: 3, nearNullSpace: [new Float64Array(5)] })).toThrow(
      /near-null-space vector has length 5/,
    );
  });
});

describe("AMG building blocks", () => {
  it("the tentative prolongator interpolates the rigid-body modes exactly: P₀ B_c = B", () => {
    const { mesh, system } = cantileverSystem(12, 2);
    const A = system.matrix;
    const nodeCount = A.rows / 3;
    const layout = { nodeCount, dofPtr: Int32Array.from({ length: nodeCount + 1 }, (_, k) => 3 * k) };
    const modes = rigidBodyModes(mesh.coordinates);
    const B = new Float64Array(A.rows * 6);
    for (let r = 0; r < A.rows; r++) for (let j = 0; j < 6; j++) B[r * 6 + j] = modes[j]![r]!;
    const aggregation = aggregateNodes(strongNodeGraph(A, layout, 0.02), nodeCount, null);
    expect(aggregation.aggregateCount).toBeGreaterThan(1);
    const { P, coarseModes } = tentativeProlongator(layout, aggregation, B, 6);
    for (let j = 0; j < 6; j++) {
      const bc = Float64Array.from({ length: P.cols }, (_, c) => coarseModes[c * 6 + j]!);
      const out = new Float64Array(A.rows);
      multiply(P, bc, out);
      for (let r = 0; r < A.rows; r++) expect(out[r]!).toBeCloseTo(B[r * 6 + j]!, 12);
    }
  });

  it("the blocked sparse product equals the dense product, and so does PᵀAP", () => {
    const conn = new Int32Array([0, 1, 2, 3, 2, 3, 4, 5]);
    const A = csrFromGraph(nodeGraph(6, conn, 4), 2);
    for (let r = 0; r < A.rows; r++)
      for (let q = A.rowPtr[r]!; q < A.rowPtr[r + 1]!; q++) A.val[q] = Math.sin(q) + (A.col[q] === r ? 10 : 0);
    const P: RectangularCsr = {
      rows: 12,
      cols: 3,
      rowPtr: Int32Array.from({ length: 13 }, (_, r) => r),
      col: Int32Array.from({ length: 12 }, (_, r) => Math.floor(r / 4)),
      val: Float64Array.from({ length: 12 }, (_, r) => 1 + r / 7),
    };
    const groups = Int32Array.from({ length: 7 }, (_, k) => 2 * k);
    const Ad = dense({ ...A, cols: 12 });
    const Pd = dense(P);
    const APd = Ad.map((row) => [0, 1, 2].map((c) => row.reduce((s, a, k) => s + a * Pd[k]![c]!, 0)));
    const blocked = dense(multiplySparse({ ...A, cols: 12 }, P, groups, groups));
    const plain = dense(multiplySparse({ ...A, cols: 12 }, P));
    for (let r = 0; r < 12; r++)
      for (let c = 0; c < 3; c++) {
        expect(blocked[r]![c]!).toBeCloseTo(APd[r]![c]!, 12);
        expect(plain[r]![c]!).toBeCloseTo(APd[r]![c]!, 12);
      }
    const Ac = dense(galerkinProduct(A, P, groups, Int32Array.from([0, 1, 2, 3])));
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        expect(Ac[i]![j]!).toBeCloseTo(
          Pd.reduce((s, row, k) => s + row[i]! * APd[k]![j]!, 0),
          10,
        );
  });
});
