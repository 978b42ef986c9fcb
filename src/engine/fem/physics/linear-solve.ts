import { FemModelError } from "../fem.errors";
import type { CsrMatrix } from "../solvers/csr.matrix";
import { PRECONDITIONERS, type PreconditionerName } from "../solvers/index";
import type { Preconditioner } from "../solvers/preconditioner.types";
import { pcg, type CancellationToken, type PcgReport, type ProgressEvent } from "../solvers/pcg.solver";

/** Options shared by every solve: preconditioned CG parameters, progress and cancellation. */
export interface SolverOptions {
  /** Default "amg" (smoothed aggregation with the problem's near-null space). */
  readonly preconditioner?: PreconditionerName;
  /** Relative residual ‖b − Ax‖/‖b‖ at which CG stops (default 1e-8). */
  readonly tolerance?: number;
  readonly maxIterations?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly signal?: CancellationToken;
}

export interface SolveContext {
  /** Rigid-body-like near-null-space vectors for AMG (columns, length rows each). */
  readonly nearNullSpace?: readonly Float64Array[];
  readonly blockSize?: number;
  readonly constrained?: Uint8Array;
}

export function buildPreconditioner(A: CsrMatrix, options: SolverOptions, context: SolveContext = {}): Preconditioner {
  // Smoothed-aggregation AMG: iteration counts stay nearly flat under refinement, where
  // IC(0) and Jacobi grow with the mesh size.
  const name = options.preconditioner ?? "amg";
  const factory = PRECONDITIONERS[name];
  if (!factory)
    throw new FemModelError(
      `unknown preconditioner "${String(name)}" (have: ${Object.keys(PRECONDITIONERS).join(", ")})`,
    );
  options.onProgress?.({ stage: "setup" });
  return factory(A, context);
}

/** Solves A x = b by PCG; `prebuilt` reuses a preconditioner of the same A (time stepping). */
export function solveLinear(
  A: CsrMatrix,
  b: Float64Array,
  x: Float64Array,
  options: SolverOptions,
  context: SolveContext = {},
  prebuilt?: Preconditioner,
): PcgReport {
  const M = prebuilt ?? buildPreconditioner(A, options, context);
  return pcg(A, b, x, M, {
    tolerance: options.tolerance,
    maxIterations: options.maxIterations,
    onProgress: options.onProgress,
    signal: options.signal,
  });
}
