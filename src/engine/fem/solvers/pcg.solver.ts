import { CancelledError, ConvergenceError, SingularModelError } from "../fem.errors";
import { multiply, type CsrMatrix } from "./csr.matrix";
import type { Preconditioner } from "./preconditioner.types";

/**
 * Preconditioned conjugate gradients for symmetric positive-definite A x = b. Stops when
 * ‖b − A x‖₂ ≤ tolerance·‖b‖₂. A non-positive curvature pᵀAp means A is not positive
 * definite (an unrestrained model) and raises SingularModelError.
 */
export interface ProgressEvent {
  readonly stage: "assembly" | "setup" | "solve" | "recovery" | "step";
  readonly iteration?: number;
  readonly relativeResidual?: number;
  /** Fraction done in [0, 1] when known. */
  readonly fraction?: number;
}

export interface CancellationToken {
  readonly aborted: boolean;
}

export interface PcgOptions {
  readonly tolerance?: number;
  readonly maxIterations?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Iterations between progress events. */
  readonly progressEvery?: number;
  readonly signal?: CancellationToken;
}

export interface PcgReport {
  readonly iterations: number;
  readonly relativeResidual: number;
  readonly tolerance: number;
  readonly maxIterations: number;
  readonly preconditioner: string;
}

export function pcg(
  A: CsrMatrix,
  b: Float64Array,
  x: Float64Array,
  M: Preconditioner,
  options: PcgOptions = {},
): PcgReport {
  const n = A.rows;
  const tolerance = options.tolerance ?? 1e-8;
  const maxIterations = options.maxIterations ?? Math.max(1000, 10 * Math.ceil(Math.sqrt(n)) * 10);
  const every = options.progressEvery ?? 25;
  const r = new Float64Array(n);
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  multiply(A, x, q);
  let bnorm = 0;
  for (let i = 0; i < n; i++) {
    r[i] = (b[i] as number) - (q[i] as number);
    bnorm += (b[i] as number) ** 2;
  }
  bnorm = Math.sqrt(bnorm);
  const report = (iterations: number, rel: number): PcgReport => ({
    iterations,
    relativeResidual: rel,
    tolerance,
    maxIterations,
    preconditioner: M.name,
  });
  if (bnorm === 0) {
    x.fill(0);
    return report(0, 0);
  }
  M.apply(r, z);
  p.set(z);
  let rz = dot(r, z);
  let rel = Math.sqrt(dot(r, r)) / bnorm;
  for (let it = 1; it <= maxIterations; it++) {
    if (rel <= tolerance) return report(it - 1, rel);
    if (options.signal?.aborted) throw new CancelledError("solve");
    multiply(A, p, q);
    const pq = dot(p, q);
    if (!(pq > 0))
      throw new SingularModelError(
        `the system matrix is singular or indefinite (pᵀAp = ${pq} at iteration ${it}): check that the model is restrained`,
      );
    const alpha = rz / pq;
    let rr = 0;
    for (let i = 0; i < n; i++) {
      x[i] = (x[i] as number) + alpha * (p[i] as number);
      const ri = (r[i] as number) - alpha * (q[i] as number);
      r[i] = ri;
      rr += ri * ri;
    }
    rel = Math.sqrt(rr) / bnorm;
    if (!Number.isFinite(rel))
      throw new SingularModelError("conjugate gradients produced a non-finite residual: the system is singular");
    if (options.onProgress && it % every === 0)
      options.onProgress({ stage: "solve", iteration: it, relativeResidual: rel });
    if (rel <= tolerance) return report(it, rel);
    M.apply(r, z);
    const rzNew = dot(r, z);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < n; i++) p[i] = (z[i] as number) + beta * (p[i] as number);
  }
  throw new ConvergenceError(maxIterations, rel);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}
