import { FemModelError } from "../fem.errors";
import type { CsrMatrix } from "../solvers/csr.matrix";
import { PRECONDITIONERS, type PreconditionerName } from "../solvers/index";
import { pcg, type CancellationToken, type PcgReport, type ProgressEvent } from "../solvers/pcg.solver";

/** Options shared by every solve: preconditioned CG parameters, progress and cancellation. */
export interface SolverOptions {
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

export function solveLinear(A: CsrMatrix, b: Float64Array, x: Float64Array, options: SolverOptions, context: SolveContext = {}): PcgReport {
  const name = options.preconditioner ?? "ic0";
  const factory = PRECONDITIONERS[name];
  if (!factory) throw new FemModelError(`unknown preconditioner "${String(name)}" (have: ${Object.keys(PRECONDITIONERS).join(", ")})`);
  options.onProgress?.({ stage: "setup" });
  const M = factory(A, context);
  return pcg(A, b, x, M, { tolerance: options.tolerance, maxIterations: options.maxIterations, onProgress: options.onProgress, signal: options.signal });
}
