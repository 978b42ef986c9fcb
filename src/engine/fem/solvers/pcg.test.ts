import { describe, expect, it } from "vitest";
import { ConvergenceError } from "../fem.errors";
import { csrFromGraph, multiply, nodeGraph } from "./csr.matrix";
import { ic0Preconditioner } from "./ic0.preconditioner";
import { jacobiPreconditioner } from "./jacobi.preconditioner";
import { pcg } from "./pcg.solver";

/** 1D Laplacian (tridiagonal 2, −1) of size n with Dirichlet ends folded in. */
function laplacian(n: number) {
  const conn = new Int32Array(2 * (n - 1));
  for (let i = 0; i < n - 1; i++) conn.set([i, i + 1], 2 * i);
  const A = csrFromGraph(nodeGraph(n, conn, 2), 1);
  for (let r = 0; r < n; r++) for (let q = A.rowPtr[r]!; q < A.rowPtr[r + 1]!; q++) A.val[q] = A.col[q] === r ? 2 : -1;
  return A;
}

describe("preconditioned conjugate gradients", () => {
  const n = 200;
  const A = laplacian(n);
  const exact = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 10));
  const b = new Float64Array(n);
  multiply(A, exact, b);

  it.each([
    ["jacobi", jacobiPreconditioner(A)],
    ["ic0", ic0Preconditioner(A)],
  ] as const)("%s reaches the requested residual and the exact solution", (_name, M) => {
    const x = new Float64Array(n);
    const report = pcg(A, b, x, M, { tolerance: 1e-12 });
    expect(report.relativeResidual).toBeLessThanOrEqual(1e-12);
    for (let i = 0; i < n; i++) expect(x[i]!).toBeCloseTo(exact[i]!, 6);
  });

  it("IC(0) of a tridiagonal matrix is its exact Cholesky factor: one iteration", () => {
    const x = new Float64Array(n);
    expect(pcg(A, b, x, ic0Preconditioner(A), { tolerance: 1e-10 }).iterations).toBe(1);
  });

  it("an iteration limit raises ConvergenceError", () => {
    expect(() =>
      pcg(A, b, new Float64Array(n), jacobiPreconditioner(A), { tolerance: 1e-12, maxIterations: 5 }),
    ).toThrow(ConvergenceError);
  });
});
