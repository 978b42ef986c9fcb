import type { CsrMatrix } from "../solvers/csr.matrix";

/**
 * Symmetric elimination of prescribed unknowns u_c = g_c: the columns of constrained
 * unknowns move to the right-hand side, their rows become diag·u_c = diag·g_c (the
 * diagonal is kept so Jacobi/IC/AMG scaling stays sensible). The removed entries and the
 * original constrained rows are kept, so later right-hand sides (time steps) can be lifted
 * and reactions R_c = (A_orig x − b)_c recovered.
 */
export interface DirichletElimination {
  readonly constrained: Uint8Array;
  readonly values: Float64Array;
  /** Removed (free row, constrained column, value) entries. */
  readonly liftRow: Int32Array;
  readonly liftCol: Int32Array;
  readonly liftVal: Float64Array;
  /** Original rows of constrained unknowns (CSR over `rows`). */
  readonly rows: Int32Array;
  readonly rowPtr: Int32Array;
  readonly rowCol: Int32Array;
  readonly rowVal: Float64Array;
  readonly diag: Float64Array;
}

export function eliminateDirichlet(A: CsrMatrix, constrained: Uint8Array, values: Float64Array): DirichletElimination {
  const rowsList: number[] = [];
  let liftCount = 0;
  let rowEntries = 0;
  for (let r = 0; r < A.rows; r++) {
    if (constrained[r]) {
      rowsList.push(r);
      rowEntries += (A.rowPtr[r + 1] as number) - (A.rowPtr[r] as number);
      continue;
    }
    for (let q = A.rowPtr[r] as number; q < (A.rowPtr[r + 1] as number); q++)
      if (constrained[A.col[q] as number]) liftCount++;
  }
  const rows = Int32Array.from(rowsList);
  const rowPtr = new Int32Array(rows.length + 1);
  const rowCol = new Int32Array(rowEntries);
  const rowVal = new Float64Array(rowEntries);
  const diag = new Float64Array(rows.length);
  const liftRow = new Int32Array(liftCount);
  const liftCol = new Int32Array(liftCount);
  const liftVal = new Float64Array(liftCount);
  let t = 0;
  let c = 0;
  let l = 0;
  for (let r = 0; r < A.rows; r++) {
    const start = A.rowPtr[r] as number;
    const end = A.rowPtr[r + 1] as number;
    if (constrained[r]) {
      let d = 0;
      for (let q = start; q < end; q++) {
        rowCol[t] = A.col[q] as number;
        rowVal[t++] = A.val[q] as number;
        if (A.col[q] === r) d = A.val[q] as number;
        else A.val[q] = 0;
      }
      // A zero diagonal (a node no element touches) still needs an equation.
      if (!(d > 0)) {
        d = 1;
        for (let q = start; q < end; q++) if (A.col[q] === r) A.val[q] = 1;
      }
      diag[c] = d;
      rowPtr[++c] = t;
      continue;
    }
    for (let q = start; q < end; q++) {
      const col = A.col[q] as number;
      if (constrained[col]) {
        liftRow[l] = r;
        liftCol[l] = col;
        liftVal[l++] = A.val[q] as number;
        A.val[q] = 0;
      }
    }
  }
  return { constrained, values, liftRow, liftCol, liftVal, rows, rowPtr, rowCol, rowVal, diag };
}

/** Turns a right-hand side b of the original system into that of the eliminated one. */
export function liftRightHandSide(e: DirichletElimination, b: Float64Array): void {
  for (let k = 0; k < e.liftRow.length; k++) {
    const r = e.liftRow[k] as number;
    b[r] = (b[r] as number) - (e.liftVal[k] as number) * (e.values[e.liftCol[k] as number] as number);
  }
  for (let k = 0; k < e.rows.length; k++) {
    const r = e.rows[k] as number;
    b[r] = (e.diag[k] as number) * (e.values[r] as number);
  }
}

/** Reactions at constrained unknowns, R = (A_orig x − b_orig) there, zero elsewhere. */
export function reactions(e: DirichletElimination, x: Float64Array, bOriginal: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let k = 0; k < e.rows.length; k++) {
    const r = e.rows[k] as number;
    let s = 0;
    for (let q = e.rowPtr[k] as number; q < (e.rowPtr[k + 1] as number); q++)
      s += (e.rowVal[q] as number) * (x[e.rowCol[q] as number] as number);
    out[r] = s - (bOriginal[r] as number);
  }
  return out;
}
