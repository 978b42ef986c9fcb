import { SingularModelError } from "../fem.errors";
import { aggregateNodes, strongNodeGraph, type NodeLayout } from "./aggregation";
import { chebyshevSmoother, estimateLambdaMax, type ChebyshevSmoother } from "./chebyshev.smoother";
import { diagonal, multiply, type CsrMatrix } from "./csr.matrix";
import { denseCholesky, type DenseCholesky } from "./dense-cholesky";
import type { Preconditioner } from "./preconditioner.types";
import { galerkinProduct, multiplySparse, multiplyTransposed, type RectangularCsr } from "./sparse-products";
import { tentativeProlongator } from "./tentative-prolongator";

/**
 * Smoothed-aggregation algebraic multigrid (Vaněk, Mandel, Brezina 1996) as a PCG
 * preconditioner: one symmetric V-cycle per application, Chebyshev smoothing on D⁻¹A,
 * the Galerkin operator PᵀAP on every level and a dense Cholesky solve at the bottom.
 * The near-null space (rigid-body modes for elasticity, constants for conduction) is
 * interpolated exactly by the tentative prolongator; one damped-Jacobi step turns it
 * into P = (I − ω D⁻¹A) P₀ with ω = 4/(3 λmax(D⁻¹A)).
 */
export interface AmgOptions {
  /** Near-null-space vectors, one per mode, each of length rows (default: constants). */
  readonly nearNullSpace?: readonly Float64Array[];
  /** Unknowns per fine node (3 for elasticity); the fine rows are node-major. */
  readonly blockSize?: number;
  /** Prescribed unknowns (rows already decoupled by symmetric elimination). */
  readonly constrained?: Uint8Array;
  /** Strength threshold θ on block norms (default 0.02). */
  readonly strengthThreshold?: number;
  /** Chebyshev degree of pre- and post-smoothing (default 2). */
  readonly smootherDegree?: number;
  /** Largest system solved directly (default 1200 unknowns). */
  readonly maxCoarseSize?: number;
  readonly maxLevels?: number;
}

interface Level {
  readonly A: CsrMatrix;
  readonly smoother: ChebyshevSmoother;
  readonly P: RectangularCsr;
  readonly x: Float64Array;
  readonly b: Float64Array;
  readonly r: Float64Array;
}

export interface AmgHierarchy {
  /** Unknowns per level, finest first (the last is solved directly). */
  readonly levelRows: readonly number[];
  /** Σ nnz(A_l) / nnz(A_0). */
  readonly operatorComplexity: number;
}

export function amgPreconditioner(
  A: CsrMatrix,
  options: AmgOptions = {},
): Preconditioner & { readonly hierarchy: AmgHierarchy } {
  const blockSize = options.blockSize ?? 1;
  if (!Number.isInteger(blockSize) || blockSize < 1 || A.rows % blockSize !== 0)
    throw new RangeError(`AMG block size ${blockSize} does not divide ${A.rows} rows`);
  const theta = options.strengthThreshold ?? 0.02;
  const degree = options.smootherDegree ?? 2;
  const maxCoarse = options.maxCoarseSize ?? 1200;
  const maxLevels = options.maxLevels ?? 12;
  const nullSpace = options.nearNullSpace ?? [new Float64Array(A.rows).fill(1)];
  const m = nullSpace.length;
  for (const v of nullSpace)
    if (v.length !== A.rows) throw new RangeError(`near-null-space vector has length ${v.length}, expected ${A.rows}`);
  const constrained = options.constrained;
  if (constrained && constrained.length !== A.rows)
    throw new RangeError(`constrained flags have length ${constrained.length}, expected ${A.rows}`);

  // Row-major modes with prescribed unknowns zeroed: those rows are decoupled, so the
  // coarse space must not carry them.
  let modes: Float64Array = new Float64Array(A.rows * m);
  for (let r = 0; r < A.rows; r++)
    if (!constrained?.[r]) for (let j = 0; j < m; j++) modes[r * m + j] = nullSpace[j]![r] as number;
  const nodeCount = A.rows / blockSize;
  let layout: NodeLayout = { nodeCount, dofPtr: Int32Array.from({ length: nodeCount + 1 }, (_, n) => n * blockSize) };
  let excluded: Uint8Array | null = null;
  if (constrained) {
    excluded = new Uint8Array(nodeCount);
    for (let n = 0; n < nodeCount; n++) {
      let all = 1;
      for (let i = 0; i < blockSize; i++) if (!constrained[n * blockSize + i]) all = 0;
      excluded[n] = all;
    }
  }

  const levels: Level[] = [];
  let current = A;
  let nnzSum = A.rowPtr[A.rows] as number;
  const levelRows = [A.rows];
  while (current.rows > maxCoarse && levels.length < maxLevels - 1) {
    const invDiag = inverseDiagonal(current);
    const lambdaMax = estimateLambdaMax(current, invDiag);
    const graph = strongNodeGraph(current, layout, theta);
    const aggregation = aggregateNodes(graph, layout.nodeCount, excluded);
    const tentative = tentativeProlongator(layout, aggregation, modes, m);
    const coarseRows = tentative.P.cols;
    // Coarsening that stalls would only add cost: solve this level directly instead.
    if (coarseRows === 0 || coarseRows > 0.8 * current.rows) break;
    const P = smoothProlongator(current, invDiag, tentative.P, 4 / (3 * lambdaMax), layout.dofPtr);
    const coarse = galerkinProduct(current, P, layout.dofPtr, tentative.coarseLayout.dofPtr);
    levels.push({
      A: current,
      smoother: chebyshevSmoother(current, invDiag, 1.1 * lambdaMax, degree),
      P,
      x: new Float64Array(current.rows),
      b: new Float64Array(current.rows),
      r: new Float64Array(current.rows),
    });
    current = coarse;
    layout = tentative.coarseLayout;
    modes = tentative.coarseModes;
    excluded = null;
    nnzSum += coarse.rowPtr[coarse.rows] as number;
    levelRows.push(coarse.rows);
  }
  if (current.rows === 0) throw new SingularModelError("the system has no unknowns left to solve for");
  const bottom = bottomSolver(current);
  const bottomX = new Float64Array(current.rows);
  const bottomB = new Float64Array(current.rows);

  const cycle = (l: number, b: Float64Array, x: Float64Array): void => {
    if (l === levels.length) {
      bottom(b, x);
      return;
    }
    const level = levels[l] as Level;
    const { A: Al, P, r } = level;
    level.smoother.smooth(b, x, true);
    multiply(Al, x, r);
    for (let i = 0; i < r.length; i++) r[i] = (b[i] as number) - (r[i] as number);
    const next = levels[l + 1];
    const bc = next ? next.b : bottomB;
    const xc = next ? next.x : bottomX;
    multiplyTransposed(P, r, bc);
    xc.fill(0);
    cycle(l + 1, bc, xc);
    // x += P xc, reusing r as scratch.
    multiply(P, xc, r);
    for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) + (r[i] as number);
    level.smoother.smooth(b, x, false);
  };
  const hierarchy: AmgHierarchy = { levelRows, operatorComplexity: nnzSum / (A.rowPtr[A.rows] as number) };
  return {
    name: `amg(levels=${levelRows.length})`,
    hierarchy,
    apply(r, z) {
      cycle(0, r, z);
    },
  };
}

function inverseDiagonal(A: CsrMatrix): Float64Array {
  const d = diagonal(A);
  for (let i = 0; i < d.length; i++) {
    const v = d[i] as number;
    if (!(v > 0))
      throw new SingularModelError(`non-positive diagonal ${v} at unknown ${i}: the matrix is not positive definite`);
    d[i] = 1 / v;
  }
  return d;
}

/** P = P₀ − ω D⁻¹ A P₀. */
function smoothProlongator(
  A: CsrMatrix,
  invDiag: Float64Array,
  P0: RectangularCsr,
  omega: number,
  groups: Int32Array,
): RectangularCsr {
  const AP = multiplySparse({ ...A, cols: A.rows }, P0, groups, groups);
  // AP's pattern contains P₀'s (A has a full diagonal), so P₀ is merged row by row.
  for (let r = 0; r < AP.rows; r++) {
    const scale = -omega * (invDiag[r] as number);
    const start = AP.rowPtr[r] as number;
    const end = AP.rowPtr[r + 1] as number;
    for (let q = start; q < end; q++) AP.val[q] = scale * (AP.val[q] as number);
    let q = start;
    for (let p = P0.rowPtr[r] as number; p < (P0.rowPtr[r + 1] as number); p++) {
      const c = P0.col[p] as number;
      while ((AP.col[q] as number) < c) q++;
      AP.val[q] = (AP.val[q] as number) + (P0.val[p] as number);
    }
  }
  return AP;
}

/**
 * Direct dense solve at the bottom; when coarsening stalled above what a dense factor
 * can hold, a fixed high-degree Chebyshev polynomial (still a symmetric operator, so CG
 * stays valid) stands in for it.
 */
function bottomSolver(A: CsrMatrix): (b: Float64Array, x: Float64Array) => void {
  if (A.rows <= 4000) {
    const factor: DenseCholesky = denseCholesky(A);
    return (b, x) => factor.solve(b, x);
  }
  const invDiag = inverseDiagonal(A);
  const smoother = chebyshevSmoother(A, invDiag, 1.1 * estimateLambdaMax(A, invDiag), 12);
  return (b, x) => smoother.smooth(b, x, true);
}
