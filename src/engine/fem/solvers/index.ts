import { amgPreconditioner } from "./amg.preconditioner";
import type { CsrMatrix } from "./csr.matrix";
import { ic0Preconditioner } from "./ic0.preconditioner";
import { jacobiPreconditioner } from "./jacobi.preconditioner";
import type { Preconditioner } from "./preconditioner.types";

/** Registry of preconditioners by name. */
export interface PreconditionerContext {
  readonly nearNullSpace?: readonly Float64Array[];
  readonly blockSize?: number;
  readonly constrained?: Uint8Array;
}

export const PRECONDITIONERS = {
  none: (_A: CsrMatrix, _context: PreconditionerContext): Preconditioner => ({
    name: "none",
    apply: (r, z) => z.set(r),
  }),
  jacobi: (A: CsrMatrix, _context: PreconditionerContext): Preconditioner => jacobiPreconditioner(A),
  ic0: (A: CsrMatrix, _context: PreconditionerContext): Preconditioner => ic0Preconditioner(A),
  amg: (A: CsrMatrix, context: PreconditionerContext): Preconditioner => amgPreconditioner(A, context),
} satisfies Record<string, (A: CsrMatrix, context: PreconditionerContext) => Preconditioner>;

export type PreconditionerName = keyof typeof PRECONDITIONERS;

export function isPreconditionerName(name: string): name is PreconditionerName {
  return name in PRECONDITIONERS;
}
