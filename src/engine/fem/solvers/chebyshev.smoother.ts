import type { CsrMatrix } from "./csr.matrix";

/**
 * Chebyshev smoothing of A x = b preconditioned by the diagonal: the polynomial in D⁻¹A
 * that is smallest on [λmax/ratio, λmax] (Saad, Iterative Methods, alg. 12.1). Used for
 * pre- and post-smoothing with the same degree and interval, so a V-cycle stays symmetric.
 */
export interface ChebyshevSmoother {
  /** x ← x + p(D⁻¹A) D⁻¹(b − A x); `isZeroGuess` skips the first residual product. */
  smooth(b: Float64Array, x: Float64Array, isZeroGuess: boolean): void;
}

export function chebyshevSmoother(
  A: CsrMatrix,
  invDiag: Float64Array,
  lambdaMax: number,
  degree: number,
  ratio = 30,
): ChebyshevSmoother {
  const n = A.rows;
  const upper = lambdaMax;
  const lower = lambdaMax / ratio;
  const theta = (upper + lower) / 2;
  const delta = (upper - lower) / 2;
  const sigma = theta / delta;
  const r = new Float64Array(n);
  const d = new Float64Array(n);
  const { rowPtr, col, val } = A;
  return {
    smooth(b, x, isZeroGuess) {
      if (isZeroGuess) for (let i = 0; i < n; i++) r[i] = (b[i] as number) * (invDiag[i] as number);
      else
        for (let i = 0; i < n; i++) {
          let s = b[i] as number;
          const end = rowPtr[i + 1] as number;
          for (let q = rowPtr[i] as number; q < end; q++) s -= (val[q] as number) * (x[col[q] as number] as number);
          r[i] = s * (invDiag[i] as number);
        }
      for (let i = 0; i < n; i++) {
        const di = (r[i] as number) / theta;
        d[i] = di;
        x[i] = isZeroGuess ? di : (x[i] as number) + di;
      }
      let rho = 1 / sigma;
      for (let k = 1; k < degree; k++) {
        const rhoNew = 1 / (2 * sigma - rho);
        const c1 = rhoNew * rho;
        const c2 = (2 * rhoNew) / delta;
        // r ← r − D⁻¹A d needs all of the old d, so d and x are updated in a second sweep.
        for (let i = 0; i < n; i++) {
          let s = 0;
          const end = rowPtr[i + 1] as number;
          for (let q = rowPtr[i] as number; q < end; q++) s += (val[q] as number) * (d[col[q] as number] as number);
          const ri = (r[i] as number) - s * (invDiag[i] as number);
          r[i] = ri;
        }
        for (let i = 0; i < n; i++) {
          const di = c1 * (d[i] as number) + c2 * (r[i] as number);
          d[i] = di;
          x[i] = (x[i] as number) + di;
        }
        rho = rhoNew;
      }
    },
  };
}

/**
 * Largest eigenvalue of D⁻¹A by power iteration from a fixed, non-smooth start vector
 * (deterministic). Power iteration approaches λmax from below; callers add a margin.
 */
export function estimateLambdaMax(A: CsrMatrix, invDiag: Float64Array, iterations = 12): number {
  const n = A.rows;
  let v = new Float64Array(n);
  let w = new Float64Array(n);
  // A fixed pseudo-random start (LCG) has components along every eigenvector.
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    v[i] = seed / 4294967296 - 0.5;
  }
  let lambda = 0;
  const { rowPtr, col, val } = A;
  for (let it = 0; it < iterations; it++) {
    let norm = 0;
    for (let i = 0; i < n; i++) norm += (v[i] as number) ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) return 1;
    // Rayleigh quotient in the D inner product, vᵀAv / vᵀDv ≤ λmax(D⁻¹A).
    let vAv = 0;
    let vDv = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const end = rowPtr[i + 1] as number;
      for (let q = rowPtr[i] as number; q < end; q++) s += (val[q] as number) * (v[col[q] as number] as number);
      const vi = (v[i] as number) / norm;
      vAv += vi * (s / norm);
      vDv += (vi * vi) / (invDiag[i] as number);
      w[i] = s * (invDiag[i] as number);
    }
    lambda = Math.max(lambda, vAv / vDv);
    const t = v;
    v = w;
    w = t;
  }
  return lambda;
}
