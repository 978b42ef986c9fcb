import type { Aggregation, NodeLayout } from "./aggregation";
import type { RectangularCsr } from "./sparse-products";

/**
 * Tentative prolongator of smoothed aggregation: on each aggregate the near-null-space
 * block B_agg is factored B_agg = Q R (modified Gram–Schmidt, twice); Q's columns become
 * the aggregate's coarse unknowns and R its rows of the coarse near-null space, so
 * P₀ B_c = B exactly. Columns that are (numerically) dependent on the aggregate — a rigid
 * rotation of a collinear aggregate, or a mode killed by prescribed unknowns — are
 * dropped, so coarse nodes may own fewer unknowns than there are modes.
 */
export interface TentativeProlongator {
  readonly P: RectangularCsr;
  readonly coarseLayout: NodeLayout;
  /** Coarse near-null space, row-major (coarse unknowns × modes). */
  readonly coarseModes: Float64Array;
}

export function tentativeProlongator(
  layout: NodeLayout,
  aggregation: Aggregation,
  modes: Float64Array,
  modeCount: number,
): TentativeProlongator {
  const { nodeCount, dofPtr } = layout;
  const { aggregateCount, aggregateOf } = aggregation;
  const m = modeCount;
  const rows = dofPtr[nodeCount] as number;
  // Nodes grouped by aggregate (counting sort).
  const aggPtr = new Int32Array(aggregateCount + 1);
  for (let n = 0; n < nodeCount; n++) if ((aggregateOf[n] as number) >= 0) aggPtr[(aggregateOf[n] as number) + 1]!++;
  for (let a = 0; a < aggregateCount; a++) aggPtr[a + 1] = (aggPtr[a + 1] as number) + (aggPtr[a] as number);
  const fill = aggPtr.slice(0, aggregateCount);
  const members = new Int32Array(aggPtr[aggregateCount] as number);
  for (let n = 0; n < nodeCount; n++)
    if ((aggregateOf[n] as number) >= 0) members[fill[aggregateOf[n] as number]!++] = n;

  const rowPtr = new Int32Array(rows + 1);
  const rowWidth = new Int32Array(rows);
  const coarseDofPtr = new Int32Array(aggregateCount + 1);
  const R = new Float64Array(aggregateCount * m * m);
  let maxDofs = 0;
  for (let a = 0; a < aggregateCount; a++) {
    let d = 0;
    for (let t = aggPtr[a] as number; t < (aggPtr[a + 1] as number); t++) {
      const n = members[t] as number;
      d += (dofPtr[n + 1] as number) - (dofPtr[n] as number);
    }
    maxDofs = Math.max(maxDofs, d);
  }
  const dofs = new Int32Array(maxDofs);
  const Q = new Float64Array(maxDofs * m);
  // Q values of every aggregate, stored per aggregate in member order, copied into P below.
  const qStore: Float64Array[] = new Array<Float64Array>(aggregateCount);
  const kept = new Int32Array(aggregateCount);
  for (let a = 0; a < aggregateCount; a++) {
    let d = 0;
    for (let t = aggPtr[a] as number; t < (aggPtr[a + 1] as number); t++) {
      const n = members[t] as number;
      for (let r = dofPtr[n] as number; r < (dofPtr[n + 1] as number); r++) dofs[d++] = r;
    }
    let k = 0;
    const Ra = R.subarray(a * m * m, (a + 1) * m * m);
    for (let j = 0; j < m; j++) {
      let norm0 = 0;
      for (let s = 0; s < d; s++) {
        const v = modes[(dofs[s] as number) * m + j] as number;
        Q[s * m + k] = v;
        norm0 += v * v;
      }
      for (let pass = 0; pass < 2; pass++)
        for (let l = 0; l < k; l++) {
          let proj = 0;
          for (let s = 0; s < d; s++) proj += (Q[s * m + l] as number) * (Q[s * m + k] as number);
          Ra[l * m + j] = (Ra[l * m + j] as number) + proj;
          for (let s = 0; s < d; s++) Q[s * m + k] = (Q[s * m + k] as number) - proj * (Q[s * m + l] as number);
        }
      let norm = 0;
      for (let s = 0; s < d; s++) norm += (Q[s * m + k] as number) ** 2;
      norm = Math.sqrt(norm);
      if (!(norm > 1e-10 * Math.sqrt(norm0)) || norm === 0) continue;
      for (let s = 0; s < d; s++) Q[s * m + k] = (Q[s * m + k] as number) / norm;
      Ra[k * m + j] = norm;
      k++;
    }
    kept[a] = k;
    coarseDofPtr[a + 1] = (coarseDofPtr[a] as number) + k;
    const store = new Float64Array(d * k);
    for (let s = 0; s < d; s++) {
      for (let l = 0; l < k; l++) store[s * k + l] = Q[s * m + l] as number;
      rowWidth[dofs[s] as number] = k;
    }
    qStore[a] = store;
  }
  for (let r = 0; r < rows; r++) rowPtr[r + 1] = (rowPtr[r] as number) + (rowWidth[r] as number);
  const col = new Int32Array(rowPtr[rows] as number);
  const val = new Float64Array(rowPtr[rows] as number);
  for (let a = 0; a < aggregateCount; a++) {
    const k = kept[a] as number;
    const store = qStore[a] as Float64Array;
    let s = 0;
    for (let t = aggPtr[a] as number; t < (aggPtr[a + 1] as number); t++) {
      const n = members[t] as number;
      for (let r = dofPtr[n] as number; r < (dofPtr[n + 1] as number); r++, s++) {
        const base = rowPtr[r] as number;
        for (let l = 0; l < k; l++) {
          col[base + l] = (coarseDofPtr[a] as number) + l;
          val[base + l] = store[s * k + l] as number;
        }
      }
    }
  }
  const coarseRows = coarseDofPtr[aggregateCount] as number;
  const coarseModes = new Float64Array(coarseRows * m);
  for (let a = 0; a < aggregateCount; a++) {
    const off = coarseDofPtr[a] as number;
    for (let l = 0; l < (kept[a] as number); l++)
      for (let j = 0; j < m; j++) coarseModes[(off + l) * m + j] = R[a * m * m + l * m + j] as number;
  }
  return {
    P: { rows, cols: coarseRows, rowPtr, col, val },
    coarseLayout: { nodeCount: aggregateCount, dofPtr: coarseDofPtr },
    coarseModes,
  };
}
