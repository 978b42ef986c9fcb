import type { CsrMatrix } from "./csr.matrix";

/**
 * Node aggregation for smoothed-aggregation multigrid (Vaněk, Mandel, Brezina 1996).
 * A "node" owns a contiguous range of unknowns (3 displacement components on the fine
 * level of elasticity, the near-null-space columns of an aggregate on coarse levels), so
 * vector problems are coarsened by their node graph and never split a node's unknowns.
 */
export interface NodeLayout {
  readonly nodeCount: number;
  /** Unknowns of node n are dofPtr[n] … dofPtr[n+1]−1. */
  readonly dofPtr: Int32Array;
}

export interface Aggregation {
  readonly aggregateCount: number;
  /** Aggregate of each node, −1 for nodes left out (all unknowns prescribed). */
  readonly aggregateOf: Int32Array;
}

/**
 * Strong couplings between nodes: j is strong for i when ‖A_ij‖²_F ≥ θ²‖A_ii‖_F‖A_jj‖_F
 * (block Frobenius norms; the symmetric measure keeps the graph symmetric).
 */
export function strongNodeGraph(A: CsrMatrix, layout: NodeLayout, theta: number): { ptr: Int32Array; adj: Int32Array } {
  const { nodeCount, dofPtr } = layout;
  const nodeOf = new Int32Array(A.rows);
  for (let n = 0; n < nodeCount; n++)
    for (let r = dofPtr[n] as number; r < (dofPtr[n + 1] as number); r++) nodeOf[r] = n;
  const diag = new Float64Array(nodeCount);
  for (let n = 0; n < nodeCount; n++)
    for (let r = dofPtr[n] as number; r < (dofPtr[n + 1] as number); r++)
      for (let q = A.rowPtr[r] as number; q < (A.rowPtr[r + 1] as number); q++)
        if (nodeOf[A.col[q] as number] === n) diag[n] = (diag[n] as number) + (A.val[q] as number) ** 2;
  for (let n = 0; n < nodeCount; n++) diag[n] = Math.sqrt(diag[n] as number);
  const theta2 = theta * theta;
  const marker = new Int32Array(nodeCount).fill(-1);
  const acc = new Float64Array(nodeCount);
  const list = new Int32Array(nodeCount);
  const ptr = new Int32Array(nodeCount + 1);
  let adj = new Int32Array(0);
  for (let pass = 0; pass < 2; pass++) {
    let t = 0;
    marker.fill(-1);
    for (let n = 0; n < nodeCount; n++) {
      let count = 0;
      for (let r = dofPtr[n] as number; r < (dofPtr[n + 1] as number); r++)
        for (let q = A.rowPtr[r] as number; q < (A.rowPtr[r + 1] as number); q++) {
          const m = nodeOf[A.col[q] as number] as number;
          if (m === n) continue;
          const v = (A.val[q] as number) ** 2;
          if (marker[m] !== n) {
            marker[m] = n;
            acc[m] = v;
            list[count++] = m;
          } else acc[m] = (acc[m] as number) + v;
        }
      for (let k = 0; k < count; k++) {
        const m = list[k] as number;
        const s = acc[m] as number;
        if (s > 0 && s >= theta2 * (diag[n] as number) * (diag[m] as number)) {
          if (pass === 1) adj[t] = m;
          t++;
        }
      }
      if (pass === 0) ptr[n + 1] = t;
    }
    if (pass === 0) adj = new Int32Array(t);
  }
  return { ptr, adj };
}

/**
 * Greedy three-phase aggregation: (1) a node whose strong neighbours are all free seeds
 * an aggregate with them; (2) leftover nodes join a neighbouring phase-1 aggregate;
 * (3) what is still free aggregates with its free neighbours. `excluded` nodes stay out.
 */
export function aggregateNodes(
  graph: { ptr: Int32Array; adj: Int32Array },
  nodeCount: number,
  excluded: Uint8Array | null,
): Aggregation {
  const { ptr, adj } = graph;
  const aggregateOf = new Int32Array(nodeCount).fill(-1);
  const FREE = -1;
  const OUT = -2;
  if (excluded) for (let n = 0; n < nodeCount; n++) if (excluded[n]) aggregateOf[n] = OUT;
  let count = 0;
  for (let n = 0; n < nodeCount; n++) {
    if (aggregateOf[n] !== FREE) continue;
    let allFree = true;
    let hasNeighbour = false;
    for (let q = ptr[n] as number; q < (ptr[n + 1] as number); q++) {
      const m = adj[q] as number;
      if (aggregateOf[m] === OUT) continue;
      hasNeighbour = true;
      if (aggregateOf[m] !== FREE) {
        allFree = false;
        break;
      }
    }
    if (!allFree || !hasNeighbour) continue;
    aggregateOf[n] = count;
    for (let q = ptr[n] as number; q < (ptr[n + 1] as number); q++)
      if (aggregateOf[adj[q] as number] === FREE) aggregateOf[adj[q] as number] = count;
    count++;
  }
  // Phase 2 reads a snapshot so that nodes join phase-1 aggregates only.
  const phase1 = aggregateOf.slice();
  for (let n = 0; n < nodeCount; n++) {
    if (aggregateOf[n] !== FREE) continue;
    for (let q = ptr[n] as number; q < (ptr[n + 1] as number); q++) {
      const a = phase1[adj[q] as number] as number;
      if (a >= 0) {
        aggregateOf[n] = a;
        break;
      }
    }
  }
  for (let n = 0; n < nodeCount; n++) {
    if (aggregateOf[n] !== FREE) continue;
    aggregateOf[n] = count;
    for (let q = ptr[n] as number; q < (ptr[n + 1] as number); q++)
      if (aggregateOf[adj[q] as number] === FREE) aggregateOf[adj[q] as number] = count;
    count++;
  }
  for (let n = 0; n < nodeCount; n++) if (aggregateOf[n] === OUT) aggregateOf[n] = -1;
  return { aggregateCount: count, aggregateOf };
}
