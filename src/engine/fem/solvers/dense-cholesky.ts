import { SingularModelError } from "../fem.errors";
import type { CsrMatrix } from "./csr.matrix";

/**
 * Dense Cholesky factor of a small SPD matrix (the coarsest multigrid level), row-major
 * lower triangle in a full n×n array.
 */
export interface DenseCholesky {
  readonly n: number;
  solve(b: Float64Array, x: Float64Array): void;
}

export function denseCholesky(A: CsrMatrix): DenseCholesky {
  const n = A.rows;
  const L = new Float64Array(n * n);
  for (let r = 0; r < n; r++)
    for (let q = A.rowPtr[r] as number; q < (A.rowPtr[r + 1] as number); q++)
      L[r * n + (A.col[q] as number)] = A.val[q] as number;
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, L[i * n + i] as number);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = L[rj + j] as number;
    for (let k = 0; k < j; k++) d -= (L[rj + k] as number) ** 2;
    // Round-off can leave an exactly representable null direction slightly negative.
    if (!(d > 1e-14 * maxDiag)) {
      if (d < -1e-8 * maxDiag)
        throw new SingularModelError(`coarse multigrid matrix is not positive definite (pivot ${d} at ${j})`);
      d = maxDiag;
    }
    const ljj = Math.sqrt(d);
    L[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = L[ri + j] as number;
      for (let k = 0; k < j; k++) s -= (L[ri + k] as number) * (L[rj + k] as number);
      L[ri + j] = s / ljj;
    }
  }
  return {
    n,
    solve(b, x) {
      for (let i = 0; i < n; i++) {
        let s = b[i] as number;
        const ri = i * n;
        for (let k = 0; k < i; k++) s -= (L[ri + k] as number) * (x[k] as number);
        x[i] = s / (L[ri + i] as number);
      }
      for (let i = n - 1; i >= 0; i--) {
        let s = x[i] as number;
        for (let k = i + 1; k < n; k++) s -= (L[k * n + i] as number) * (x[k] as number);
        x[i] = s / (L[i * n + i] as number);
      }
    },
  };
}
