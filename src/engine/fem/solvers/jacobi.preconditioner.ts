import { diagonal, type CsrMatrix } from "./csr.matrix";
import { SingularModelError } from "../fem.errors";
import type { Preconditioner } from "./preconditioner.types";

/** Jacobi (diagonal) preconditioner z = r / diag(A). */
export function jacobiPreconditioner(A: CsrMatrix): Preconditioner {
  const d = diagonal(A);
  const inv = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i] as number;
    if (!(v > 0))
      throw new SingularModelError(`non-positive diagonal ${v} at unknown ${i}: the matrix is not positive definite`);
    inv[i] = 1 / v;
  }
  return {
    name: "jacobi",
    apply(r, z) {
      for (let i = 0; i < inv.length; i++) z[i] = (r[i] as number) * (inv[i] as number);
    },
  };
}
