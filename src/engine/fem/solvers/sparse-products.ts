import type { CsrMatrix } from "./csr.matrix";

/**
 * Sparse products for the multigrid setup, all in typed arrays. Products are computed
 * row by row with a dense marker over the result's columns (Gustavson), first counting
 * then filling, so no growable arrays are needed; columns come out sorted.
 */
export interface RectangularCsr extends CsrMatrix {
  readonly cols: number;
}

export function transpose(A: RectangularCsr): RectangularCsr {
  const rows = A.cols;
  const rowPtr = new Int32Array(rows + 1);
  const nnz = A.rowPtr[A.rows] as number;
  for (let q = 0; q < nnz; q++) rowPtr[(A.col[q] as number) + 1]!++;
  for (let r = 0; r < rows; r++) rowPtr[r + 1] = (rowPtr[r + 1] as number) + (rowPtr[r] as number);
  const fill = rowPtr.slice(0, rows);
  const col = new Int32Array(nnz);
  const val = new Float64Array(nnz);
  // Walking A's rows in order leaves each transposed row sorted.
  for (let r = 0; r < A.rows; r++)
    for (let q = A.rowPtr[r] as number; q < (A.rowPtr[r + 1] as number); q++) {
      const t = fill[A.col[q] as number]!++;
      col[t] = r;
      val[t] = A.val[q] as number;
    }
  return { rows, cols: A.rows, rowPtr, col, val };
}

/**
 * C = A·B. `rowGroups` lists groups of consecutive rows of A that share one column
 * pattern (the unknowns of one node of an FE matrix, of one aggregate in Pᵀ);
 * `innerGroups` does the same for the rows of B, which are A's columns. When A's
 * rows hold whole inner groups, the product runs block by block (w×v blocks of A
 * times v rows of B), so index work is paid once per block instead of once per
 * entry. Layouts that do not have this structure fall back to single rows.
 */
export function multiplySparse(
  A: RectangularCsr,
  B: RectangularCsr,
  rowGroups?: Int32Array,
  innerGroups?: Int32Array,
): RectangularCsr {
  const rows = A.rows;
  const cols = B.cols;
  const blocked = rowGroups && innerGroups && hasBlockStructure(A, B, rowGroups, innerGroups);
  const groups = blocked ? rowGroups : singles(rows);
  const inner = blocked ? innerGroups : singles(A.cols);
  const innerOf = new Int32Array(A.cols);
  for (let h = 0; h + 1 < inner.length; h++)
    for (let k = inner[h] as number; k < (inner[h + 1] as number); k++) innerOf[k] = h;
  const groupCount = groups.length - 1;
  let maxGroup = 1;
  for (let g = 0; g < groupCount; g++) maxGroup = Math.max(maxGroup, (groups[g + 1] as number) - (groups[g] as number));
  let maxInner = 1;
  for (let h = 0; h + 1 < inner.length; h++)
    maxInner = Math.max(maxInner, (inner[h + 1] as number) - (inner[h] as number));
  const marker = new Int32Array(cols).fill(-1);
  // Symbolic pass on the first row of each group and of each inner group.
  const rowPtr = new Int32Array(rows + 1);
  let maxRow = 0;
  for (let g = 0; g < groupCount; g++) {
    const r0 = groups[g] as number;
    let count = 0;
    const end = A.rowPtr[r0 + 1] as number;
    for (let q = A.rowPtr[r0] as number; q < end;) {
      const h = innerOf[A.col[q] as number] as number;
      const k = inner[h] as number;
      q += (inner[h + 1] as number) - k;
      for (let p = B.rowPtr[k] as number; p < (B.rowPtr[k + 1] as number); p++) {
        const c = B.col[p] as number;
        if (marker[c] !== g) {
          marker[c] = g;
          count++;
        }
      }
    }
    maxRow = Math.max(maxRow, count);
    for (let r = r0; r < (groups[g + 1] as number); r++) rowPtr[r + 1] = (rowPtr[r] as number) + count;
  }
  const nnz = rowPtr[rows] as number;
  const col = new Int32Array(nnz);
  const val = new Float64Array(nnz);
  // Row u of the group accumulates column c at acc[slot[c]·w + u]; slots follow first
  // appearance, so the accumulator stays compact.
  const acc = new Float64Array(maxRow * maxGroup);
  const slot = new Int32Array(cols);
  const aBlock = new Float64Array(maxGroup * maxInner);
  marker.fill(-1);
  for (let g = 0; g < groupCount; g++) {
    const r0 = groups[g] as number;
    const w = (groups[g + 1] as number) - r0;
    const start = rowPtr[r0] as number;
    const aStart = A.rowPtr[r0] as number;
    const aEnd = A.rowPtr[r0 + 1] as number;
    let count = 0;
    for (let q = aStart; q < aEnd;) {
      const h = innerOf[A.col[q] as number] as number;
      const k0 = inner[h] as number;
      const v = (inner[h + 1] as number) - k0;
      // aBlock[u·v + t] = A(r0+u, k0+t).
      for (let u = 0; u < w; u++) {
        const ru = (A.rowPtr[r0 + u] as number) + (q - aStart);
        for (let t = 0; t < v; t++) aBlock[u * v + t] = A.val[ru + t] as number;
      }
      q += v;
      const bStart = B.rowPtr[k0] as number;
      const len = (B.rowPtr[k0 + 1] as number) - bStart;
      for (let p = 0; p < len; p++) {
        const c = B.col[bStart + p] as number;
        let base: number;
        let fresh = false;
        if (marker[c] !== g) {
          marker[c] = g;
          slot[c] = count;
          col[start + count] = c;
          base = count * w;
          count++;
          fresh = true;
        } else base = (slot[c] as number) * w;
        for (let u = 0; u < w; u++) {
          let sum = 0;
          for (let t = 0; t < v; t++)
            sum += (aBlock[u * v + t] as number) * (B.val[(B.rowPtr[k0 + t] as number) + p] as number);
          acc[base + u] = fresh ? sum : (acc[base + u] as number) + sum;
        }
      }
    }
    col.subarray(start, start + count).sort();
    for (let u = 0; u < w; u++) {
      const rs = rowPtr[r0 + u] as number;
      if (u > 0) col.copyWithin(rs, start, start + count);
      for (let s = 0; s < count; s++) val[rs + s] = acc[(slot[col[start + s] as number] as number) * w + u] as number;
    }
  }
  return { rows, cols, rowPtr, col, val };
}

function singles(n: number): Int32Array {
  return Int32Array.from({ length: n + 1 }, (_, r) => r);
}

/**
 * True when every row group of A shares its first row's columns, A's rows consist of
 * whole inner groups, and the rows of B within each inner group share one pattern.
 */
function hasBlockStructure(
  A: RectangularCsr,
  B: RectangularCsr,
  rowGroups: Int32Array,
  innerGroups: Int32Array,
): boolean {
  if (rowGroups[rowGroups.length - 1] !== A.rows || innerGroups[innerGroups.length - 1] !== A.cols || B.rows !== A.cols)
    return false;
  const samePattern = (M: RectangularCsr, r0: number, r: number): boolean => {
    const len = (M.rowPtr[r0 + 1] as number) - (M.rowPtr[r0] as number);
    if ((M.rowPtr[r + 1] as number) - (M.rowPtr[r] as number) !== len) return false;
    for (let s = 0; s < len; s++)
      if (M.col[(M.rowPtr[r] as number) + s] !== M.col[(M.rowPtr[r0] as number) + s]) return false;
    return true;
  };
  for (let g = 0; g + 1 < rowGroups.length; g++)
    for (let r = (rowGroups[g] as number) + 1; r < (rowGroups[g + 1] as number); r++)
      if (!samePattern(A, rowGroups[g] as number, r)) return false;
  for (let h = 0; h + 1 < innerGroups.length; h++)
    for (let r = (innerGroups[h] as number) + 1; r < (innerGroups[h + 1] as number); r++)
      if (!samePattern(B, innerGroups[h] as number, r)) return false;
  const innerOf = new Int32Array(A.cols);
  for (let h = 0; h + 1 < innerGroups.length; h++)
    for (let k = innerGroups[h] as number; k < (innerGroups[h + 1] as number); k++) innerOf[k] = h;
  for (let r = 0; r < A.rows; r++) {
    const end = A.rowPtr[r + 1] as number;
    for (let q = A.rowPtr[r] as number; q < end;) {
      const h = innerOf[A.col[q] as number] as number;
      const k0 = innerGroups[h] as number;
      const v = (innerGroups[h + 1] as number) - k0;
      if (q + v > end) return false;
      for (let t = 0; t < v; t++) if (A.col[q + t] !== k0 + t) return false;
      q += v;
    }
  }
  return true;
}

/**
 * Galerkin coarse operator PᵀAP (A square, P fine×coarse); the row groups of A (fine
 * nodes) and of Pᵀ (coarse nodes) speed up the two products.
 */
export function galerkinProduct(
  A: CsrMatrix,
  P: RectangularCsr,
  fineGroups?: Int32Array,
  coarseGroups?: Int32Array,
): RectangularCsr {
  const AP = multiplySparse({ ...A, cols: A.rows }, P, fineGroups, fineGroups);
  return multiplySparse(transpose(P), AP, coarseGroups, fineGroups);
}

/** y = Aᵀ x without forming Aᵀ (scatter over A's rows). */
export function multiplyTransposed(A: RectangularCsr, x: Float64Array, y: Float64Array): void {
  const { rows, rowPtr, col, val } = A;
  y.fill(0);
  for (let r = 0; r < rows; r++) {
    const xr = x[r] as number;
    if (xr === 0) continue;
    const end = rowPtr[r + 1] as number;
    for (let q = rowPtr[r] as number; q < end; q++) {
      const c = col[q] as number;
      y[c] = (y[c] as number) + (val[q] as number) * xr;
    }
  }
}
