import { SingularModelError } from "../fem.errors";
import type { CsrMatrix } from "./csr.matrix";
import type { Preconditioner } from "./preconditioner.types";

/**
 * Incomplete Cholesky IC(0): L Lᵀ ≈ A keeping A's lower-triangle pattern,
 * L_ik = (A_ik − Σ_{j<k} L_ij L_kj)/L_kk, L_ii = √(A_ii − Σ_j L_ij²). When a pivot
 * breaks down (possible for non-M-matrices such as elasticity), the factorisation restarts
 * on A + s·diag(A) with s growing from 1e-3 (Manteuffel's shift).
 */
export function ic0Preconditioner(A: CsrMatrix): Preconditioner {
  const n = A.rows;
  const ptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let q = A.rowPtr[i] as number; q < (A.rowPtr[i + 1] as number); q++) if ((A.col[q] as number) <= i) c++;
    ptr[i + 1] = (ptr[i] as number) + c;
  }
  const col = new Int32Array(ptr[n] as number);
  const orig = new Float64Array(ptr[n] as number);
  for (let i = 0; i < n; i++) {
    let t = ptr[i] as number;
    for (let q = A.rowPtr[i] as number; q < (A.rowPtr[i + 1] as number); q++)
      if ((A.col[q] as number) <= i) {
        col[t] = A.col[q] as number;
        orig[t++] = A.val[q] as number;
      }
    if (col[t - 1] !== i) throw new SingularModelError(`missing diagonal entry in row ${i}`);
  }
  const L = new Float64Array(orig.length);
  const w = new Float64Array(n);
  let shift = 0;
  for (;;) {
    if (factor(n, ptr, col, orig, L, w, shift)) break;
    shift = shift === 0 ? 1e-3 : shift * 4;
    if (shift > 1)
      throw new SingularModelError(
        "incomplete Cholesky broke down even with a diagonal shift: the matrix is not positive definite",
      );
  }
  return {
    name: shift === 0 ? "ic0" : `ic0(shift=${shift})`,
    apply(r, z) {
      for (let i = 0; i < n; i++) {
        let s = r[i] as number;
        const end = (ptr[i + 1] as number) - 1;
        for (let q = ptr[i] as number; q < end; q++) s -= (L[q] as number) * (z[col[q] as number] as number);
        z[i] = s / (L[end] as number);
      }
      for (let i = n - 1; i >= 0; i--) {
        const end = (ptr[i + 1] as number) - 1;
        const zi = (z[i] as number) / (L[end] as number);
        z[i] = zi;
        for (let q = ptr[i] as number; q < end; q++)
          z[col[q] as number] = (z[col[q] as number] as number) - (L[q] as number) * zi;
      }
    },
  };
}

function factor(
  n: number,
  ptr: Int32Array,
  col: Int32Array,
  orig: Float64Array,
  L: Float64Array,
  w: Float64Array,
  shift: number,
): boolean {
  w.fill(0);
  for (let i = 0; i < n; i++) {
    const start = ptr[i] as number;
    const end = (ptr[i + 1] as number) - 1;
    let diag = (orig[end] as number) * (1 + shift);
    for (let q = start; q < end; q++) {
      const k = col[q] as number;
      let s = orig[q] as number;
      const kEnd = (ptr[k + 1] as number) - 1;
      for (let p = ptr[k] as number; p < kEnd; p++) s -= (L[p] as number) * (w[col[p] as number] as number);
      const lik = s / (L[kEnd] as number);
      L[q] = lik;
      w[k] = lik;
      diag -= lik * lik;
    }
    for (let q = start; q < end; q++) w[col[q] as number] = 0;
    if (!(diag > 0)) return false;
    L[end] = Math.sqrt(diag);
  }
  return true;
}
